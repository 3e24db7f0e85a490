package encode

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/asticode/go-astiav"
)

// remuxFaststart rewrites the finished fragmented MP4 at path as a regular
// MP4 with its index first (movflags faststart), copying every packet. The
// new file is written next to it and renamed over it only when complete;
// on failure the fragmented file stays as it was.
func remuxFaststart(path string) (err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("encode: remuxing %s: %w", path, err)
	}
	tmp := abs + ".remux"
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
			err = fmt.Errorf("encode: remuxing %s to a regular MP4 (the fragmented recording is kept): %w", path, err)
		}
	}()
	in := astiav.AllocFormatContext()
	if in == nil {
		return errors.New("allocating the input failed")
	}
	defer in.CloseInput()
	if err := in.OpenInput("file:"+abs, nil, nil); err != nil {
		return fmt.Errorf("opening the recording: %w", err)
	}
	if err := in.FindStreamInfo(nil); err != nil {
		return fmt.Errorf("reading the recording's tracks: %w", err)
	}
	out, err := astiav.AllocOutputFormatContext(nil, "mp4", "file:"+tmp)
	if err != nil {
		return fmt.Errorf("allocating the MP4 muxer: %w", err)
	}
	defer out.Free()
	inStreams := in.Streams()
	outStreams := make([]*astiav.Stream, len(inStreams))
	for i, s := range inStreams {
		o := out.NewStream(nil)
		if o == nil {
			return errors.New("adding a track failed")
		}
		if err := s.CodecParameters().Copy(o.CodecParameters()); err != nil {
			return fmt.Errorf("copying track %d: %w", i, err)
		}
		o.CodecParameters().SetCodecTag(0)
		o.SetTimeBase(s.TimeBase())
		outStreams[i] = o
	}
	ioc, err := astiav.OpenIOContext("file:"+tmp, astiav.NewIOContextFlags(astiav.IOContextFlagWrite), nil, nil)
	if err != nil {
		return fmt.Errorf("creating %s: %w", tmp, err)
	}
	out.SetPb(ioc)
	closed := false
	defer func() {
		if !closed {
			_ = ioc.Close()
		}
	}()
	opts := astiav.NewDictionary()
	defer opts.Free()
	if err := opts.Set("movflags", "faststart", 0); err != nil {
		return err
	}
	if err := out.WriteHeader(opts); err != nil {
		return fmt.Errorf("writing the MP4 header: %w", err)
	}
	if err := copyPackets(in, out, inStreams, outStreams); err != nil {
		return err
	}
	if err := out.WriteTrailer(); err != nil {
		return fmt.Errorf("writing the MP4 index: %w", err)
	}
	closed = true
	if err := ioc.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return err
	}
	return nil
}

// copyPackets copies every packet of in to out, retimed to out's tracks.
func copyPackets(in, out *astiav.FormatContext, inStreams, outStreams []*astiav.Stream) error {
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	for {
		if err := in.ReadFrame(pkt); err != nil {
			if errors.Is(err, astiav.ErrEof) {
				return nil
			}
			return fmt.Errorf("reading the recording: %w", err)
		}
		i := pkt.StreamIndex()
		if i < 0 || i >= len(outStreams) {
			pkt.Unref()
			continue
		}
		pkt.RescaleTs(inStreams[i].TimeBase(), outStreams[i].TimeBase())
		pkt.SetPos(-1)
		err := out.WriteInterleavedFrame(pkt)
		pkt.Unref()
		if err != nil {
			return fmt.Errorf("writing the MP4: %w", err)
		}
	}
}
