package encode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/asticode/go-astiav"

	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
)

// FFmpeg 7.1's flv demuxer and muxer speak Enhanced RTMP, so they check
// our Enhanced RTMP tag bodies (flv.AppendPayload, what the server plays
// out and our clients send) and the parser (flv.PacketFromTag, what the
// server reads from publishers) against an implementation of their own.

// enhancedHEVC is the HEVC test clip with B-frame-like composition times on
// every other frame, so that tags with and without one are both written.
func enhancedHEVC(t *testing.T) []media.Packet {
	pkts := testpeer.HEVCPackets(t)
	for i := 2; i < len(pkts); i += 2 {
		pkts[i].PTS += 40
	}
	return pkts
}

// writeFLV writes pkts as an FLV file with our tag bodies.
func writeFLV(t *testing.T, path string, pkts []media.Packet) {
	b := []byte{'F', 'L', 'V', 1, 1, 0, 0, 0, 9, 0, 0, 0, 0} // video only
	for _, p := range pkts {
		body := flv.AppendPayload(nil, &p)
		ts := uint32(p.DTS)
		b = append(b, flv.TagVideo, byte(len(body)>>16), byte(len(body)>>8), byte(len(body)),
			byte(ts>>16), byte(ts>>8), byte(ts), byte(ts>>24), 0, 0, 0)
		b = append(b, body...)
		b = binary.BigEndian.AppendUint32(b, uint32(11+len(body)))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFFmpegReadsOurEnhancedRTMPTags(t *testing.T) {
	pkts := enhancedHEVC(t)
	path := filepath.Join(t.TempDir(), "ours.flv")
	writeFLV(t, path, pkts)

	fc := astiav.AllocFormatContext()
	defer fc.Free()
	if err := fc.OpenInput(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	defer fc.CloseInput()
	if err := fc.FindStreamInfo(nil); err != nil {
		t.Fatal(err)
	}
	cp := fc.Streams()[0].CodecParameters()
	if cp.CodecID() != astiav.CodecIDHevc || cp.Width() != 160 || cp.Height() != 120 {
		t.Fatalf("FFmpeg sees %s %dx%d, want hevc 160x120", cp.CodecID(), cp.Width(), cp.Height())
	}
	if !bytes.Equal(cp.ExtraData(), pkts[0].Data) {
		t.Error("FFmpeg's extradata is not our HEVCDecoderConfigurationRecord")
	}
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	tb := fc.Streams()[0].TimeBase()
	i := 1
	for ; ; i++ {
		err := fc.ReadFrame(pkt)
		if errors.Is(err, astiav.ErrEof) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		want := pkts[i]
		pts := astiav.RescaleQ(pkt.Pts(), tb, astiav.NewRational(1, 1000))
		dts := astiav.RescaleQ(pkt.Dts(), tb, astiav.NewRational(1, 1000))
		key := pkt.Flags().Has(astiav.PacketFlagKey)
		if pts != want.PTS || dts != want.DTS || key != want.Key || !bytes.Equal(pkt.Data(), want.Data) {
			t.Errorf("frame %d: FFmpeg read pts %d dts %d key %v (%d bytes); we wrote pts %d dts %d key %v (%d bytes)",
				i, pts, dts, key, len(pkt.Data()), want.PTS, want.DTS, want.Key, len(want.Data))
		}
		pkt.Unref()
	}
	if i != len(pkts) {
		t.Errorf("FFmpeg read %d frames, we wrote %d", i-1, len(pkts)-1)
	}
}

func TestWeReadFFmpegsEnhancedRTMPTags(t *testing.T) {
	pkts := enhancedHEVC(t)
	path := filepath.Join(t.TempDir(), "ffmpeg.flv")
	fc, err := astiav.AllocOutputFormatContext(nil, "flv", path)
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Free()
	st := fc.NewStream(nil)
	cp := st.CodecParameters()
	cp.SetMediaType(astiav.MediaTypeVideo)
	cp.SetCodecID(astiav.CodecIDHevc)
	cp.SetWidth(160)
	cp.SetHeight(120)
	if err := cp.SetExtraData(pkts[0].Data); err != nil {
		t.Fatal(err)
	}
	st.SetTimeBase(astiav.NewRational(1, 1000))
	ioc, err := astiav.OpenIOContext(path, astiav.NewIOContextFlags(astiav.IOContextFlagWrite), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fc.SetPb(ioc)
	if err := fc.WriteHeader(nil); err != nil {
		t.Fatal(err)
	}
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	for _, p := range pkts[1:] {
		if err := pkt.FromData(bytes.Clone(p.Data)); err != nil {
			t.Fatal(err)
		}
		pkt.SetPts(astiav.RescaleQ(p.PTS, astiav.NewRational(1, 1000), st.TimeBase()))
		pkt.SetDts(astiav.RescaleQ(p.DTS, astiav.NewRational(1, 1000), st.TimeBase()))
		if p.Key {
			pkt.SetFlags(pkt.Flags().Add(astiav.PacketFlagKey))
		}
		if err := fc.WriteInterleavedFrame(pkt); err != nil {
			t.Fatal(err)
		}
	}
	if err := fc.WriteTrailer(); err != nil {
		t.Fatal(err)
	}
	if err := ioc.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := flv.ReadPackets(f, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var video []media.Packet
	for _, p := range got {
		if p.Kind == media.KindVideo {
			video = append(video, p)
		}
	}
	if len(video) != len(pkts) {
		t.Fatalf("we read %d video packets from FFmpeg's FLV, it was given %d", len(video), len(pkts))
	}
	// FFmpeg writes its own HEVCDecoderConfigurationRecord from the
	// parameter sets (ff_isom_write_hvcc): the same configuration, not the
	// same bytes.
	ours, err1 := hevc.ParseConfig(pkts[0].Data)
	theirs, err2 := hevc.ParseConfig(video[0].Data)
	if err1 != nil || err2 != nil || ours != theirs || video[0].Codec != media.CodecHEVC || !video[0].Header {
		t.Errorf("sequence header: read %+v (%v), FFmpeg was given %+v (%v)", theirs, err2, ours, err1)
	}
	for i, p := range video[1:] {
		i++
		want := pkts[i]
		if p.Codec != media.CodecHEVC || p.Header != want.Header || p.Key != want.Key || p.DTS != want.DTS || p.PTS != want.PTS || !bytes.Equal(p.Data, want.Data) {
			t.Errorf("packet %d: read %s header %v key %v dts %d pts %d (%d bytes); FFmpeg was given header %v key %v dts %d pts %d (%d bytes)",
				i, p.Codec, p.Header, p.Key, p.DTS, p.PTS, len(p.Data), want.Header, want.Key, want.DTS, want.PTS, len(want.Data))
		}
	}
}
