package encode

import (
	"fmt"
	"log/slog"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/codec/aac"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/media"
)

// msTimeBase is the time base of media.Packet timestamps.
var msTimeBase = astiav.NewRational(1, 1000)

// muxer is one open libavformat output: the tracks, and for each the one
// packet held back until the next tells its duration.
type muxer struct {
	fc    *astiav.FormatContext
	pkt   *astiav.Packet
	base  int64 // DTS (ms) that becomes 0 in the file
	track [2]*muxTrack
}

// muxTrack is one stream of the file.
type muxTrack struct {
	st      *astiav.Stream
	tb      astiav.Rational
	held    media.Packet
	holding bool
	lastDTS int64 // ms, in file time
	started bool
	frameMS int64 // a frame's duration, for the last packet
}

func trackIndex(k media.Kind) int {
	if k == media.KindAudio {
		return 1
	}
	return 0
}

// startMuxer opens the output on sink with a track per header given and
// writes the file header; base is the DTS of the first packet.
func startMuxer(cfg RecorderConfig, sink *fileSink, vCodec media.Codec, vHeader, aHeader []byte, base int64, log *slog.Logger) (m *muxer, err error) {
	name := "mp4"
	if cfg.Format == RecordMatroska {
		name = "matroska"
	}
	fc, err := astiav.AllocOutputFormatContext(nil, name, "")
	if err != nil {
		return nil, fmt.Errorf("encode: allocating the %s muxer: %w", name, err)
	}
	mm := &muxer{fc: fc, pkt: astiav.AllocPacket(), base: base}
	defer func() {
		if err != nil { // the returns below give a nil m: free mm
			mm.free()
		}
	}()
	m = mm
	if vHeader != nil {
		if err := m.addVideo(vCodec, vHeader, name); err != nil {
			return nil, err
		}
	}
	if aHeader != nil {
		if err := m.addAudio(aHeader); err != nil {
			return nil, err
		}
	}
	ioc, err := sink.open()
	if err != nil {
		return nil, err
	}
	fc.SetPb(ioc)
	opts := astiav.NewDictionary()
	defer opts.Free()
	for k, v := range muxerOptions(cfg.Format) {
		if err := opts.Set(k, v, 0); err != nil {
			return nil, fmt.Errorf("encode: muxer option %s: %w", k, err)
		}
	}
	if err := fc.WriteHeader(opts); err != nil {
		return nil, fmt.Errorf("encode: writing the %s header: %w", name, err)
	}
	for _, t := range m.track {
		if t != nil {
			t.tb = t.st.TimeBase() // the muxer may have chosen its own
		}
	}
	log.Debug("recording started", "format", name, "video", vHeader != nil, "audio", aHeader != nil)
	return m, nil
}

// muxerOptions are the format options that keep a crashed file playable:
// a fragment at every keyframe and at least every second (fragmented MP4),
// or a cluster at least every second (Matroska), flushed to the file at
// once.
func muxerOptions(format string) map[string]string {
	if format == RecordMatroska {
		return map[string]string{"cluster_time_limit": "1000", "flush_packets": "1"}
	}
	return map[string]string{
		"movflags":      "frag_keyframe+empty_moov+default_base_moof",
		"frag_duration": "1000000",
		"flush_packets": "1",
	}
}

// addVideo adds an H.264 or HEVC track (HEVC as hvc1 in MP4: parameter
// sets in the sample entry, which is how Apple's players want it).
func (m *muxer) addVideo(c media.Codec, rec []byte, format string) error {
	var w, h int
	fps := 0.0
	switch c {
	case media.CodecH264:
		cfg, err := h264.ParseConfig(rec)
		if err != nil {
			return fmt.Errorf("%w: the AVC sequence header: %w", ErrUnsupportedInput, err)
		}
		info, err := cfg.Info()
		if err != nil {
			return fmt.Errorf("%w: the SPS: %w", ErrUnsupportedInput, err)
		}
		w, h, fps = info.Width, info.Height, info.FrameRate
	case media.CodecHEVC:
		cfg, err := hevc.ParseConfig(rec)
		if err != nil {
			return fmt.Errorf("%w: the HEVC sequence header: %w", ErrUnsupportedInput, err)
		}
		w, h = cfg.Width, cfg.Height
	default:
		return fmt.Errorf("%w: %s video (recordings take H.264 and HEVC)", ErrUnsupportedInput, c)
	}
	st := m.fc.NewStream(nil)
	if st == nil {
		return fmt.Errorf("encode: adding the video track failed")
	}
	cp := st.CodecParameters()
	cp.SetMediaType(astiav.MediaTypeVideo)
	cp.SetCodecID(astiav.CodecIDH264)
	if c == media.CodecHEVC {
		cp.SetCodecID(astiav.CodecIDHevc)
		if format == "mp4" {
			cp.SetCodecTag(astiav.CodecTag('h' | 'v'<<8 | 'c'<<16 | '1'<<24))
		}
	}
	cp.SetWidth(w)
	cp.SetHeight(h)
	if err := cp.SetExtraData(rec); err != nil {
		return fmt.Errorf("encode: the video track's extradata: %w", err)
	}
	st.SetTimeBase(msTimeBase)
	frame := int64(33)
	if fps > 0 {
		frame = max(int64(1000/fps+0.5), 1)
	}
	m.track[0] = &muxTrack{st: st, frameMS: frame}
	return nil
}

func (m *muxer) addAudio(asc []byte) error {
	cfg, err := aac.ParseConfig(asc)
	if err != nil {
		return fmt.Errorf("%w: the AAC sequence header: %w", ErrUnsupportedInput, err)
	}
	st := m.fc.NewStream(nil)
	if st == nil {
		return fmt.Errorf("encode: adding the audio track failed")
	}
	cp := st.CodecParameters()
	cp.SetMediaType(astiav.MediaTypeAudio)
	cp.SetCodecID(astiav.CodecIDAac)
	cp.SetSampleRate(cfg.SampleRate)
	layout := channelLayout(cfg.Channels)
	cp.SetChannelLayout(layout)
	samples := 1024
	if cfg.SBR {
		samples = 2048
	}
	cp.SetFrameSize(samples)
	if err := cp.SetExtraData(asc); err != nil {
		return fmt.Errorf("encode: the audio track's extradata: %w", err)
	}
	st.SetTimeBase(msTimeBase)
	m.track[1] = &muxTrack{st: st, frameMS: max(int64(samples*1000/max(cfg.SampleRate, 1)), 1)}
	return nil
}

// channelLayout is libav's default layout for an AAC channel count (a
// count defined in a program config element, 0, is taken as stereo).
func channelLayout(n int) astiav.ChannelLayout {
	switch n {
	case 1:
		return astiav.ChannelLayoutMono
	case 3:
		return astiav.ChannelLayoutSurround
	case 4:
		return astiav.ChannelLayout4Point0
	case 5:
		return astiav.ChannelLayout5Point0Back
	case 6:
		return astiav.ChannelLayout5Point1Back
	case 7:
		return astiav.ChannelLayout6Point1
	case 8:
		return astiav.ChannelLayout7Point1WideBack
	}
	return astiav.ChannelLayoutStereo
}

// has reports whether the file has a track of kind k.
func (m *muxer) has(k media.Kind) bool { return m.track[trackIndex(k)] != nil }

// write takes one media packet. ok is false when it was left out (no such
// track, or audio from before the file's start); ms is the file time the
// media reaches so far.
func (m *muxer) write(p media.Packet) (ms int64, ok bool, err error) {
	t := m.track[trackIndex(p.Kind)]
	if t == nil {
		return 0, false, nil
	}
	if p.Kind == media.KindVideo {
		if _, err := checkAVCC(p.Codec, p.Data); err != nil {
			return 0, false, nil // never hand libav a badly framed access unit
		}
	}
	cts := max(p.PTS-p.DTS, 0)
	p.DTS -= m.base
	if p.DTS < 0 {
		return 0, false, nil
	}
	if t.started && p.DTS <= t.lastDTS {
		p.DTS = t.lastDTS + 1 // the file needs strictly increasing DTS per track
	}
	p.PTS = p.DTS + cts
	t.started, t.lastDTS = true, p.DTS
	if t.holding {
		if err := m.send(t, t.held, p.DTS-t.held.DTS); err != nil {
			return 0, false, err
		}
	}
	t.held, t.holding = p, true
	return p.DTS, true, nil
}

// send hands one packet with its duration (ms) to the interleaving muxer.
func (m *muxer) send(t *muxTrack, p media.Packet, dur int64) error {
	if err := m.pkt.AllocPayload(len(p.Data)); err != nil {
		return fmt.Errorf("encode: allocating a packet of %d bytes: %w", len(p.Data), err)
	}
	copy(packetView(m.pkt), p.Data)
	m.pkt.SetStreamIndex(t.st.Index())
	m.pkt.SetDts(p.DTS)
	m.pkt.SetPts(p.PTS)
	m.pkt.SetDuration(dur)
	if p.Key || p.Kind == media.KindAudio {
		m.pkt.SetFlags(astiav.NewPacketFlags(astiav.PacketFlagKey))
	} else {
		m.pkt.SetFlags(0)
	}
	m.pkt.RescaleTs(msTimeBase, t.tb)
	err := m.fc.WriteInterleavedFrame(m.pkt) // takes the packet's reference
	m.pkt.Unref()
	if err != nil {
		return fmt.Errorf("encode: muxing the %s packet at %d ms: %w", p.Kind, p.DTS, err)
	}
	return nil
}

// finish writes the held packets and the trailer.
func (m *muxer) finish() error {
	for _, t := range m.track {
		if t != nil && t.holding {
			t.holding = false
			if err := m.send(t, t.held, t.frameMS); err != nil {
				return err
			}
		}
	}
	if err := m.fc.WriteTrailer(); err != nil {
		return fmt.Errorf("encode: writing the recording's trailer: %w", err)
	}
	return nil
}

// free releases the muxer (not the sink's AVIO context).
func (m *muxer) free() {
	if m.fc != nil {
		m.fc.Free() // leaves pb alone: the sink frees it after this
		m.fc = nil
	}
	if m.pkt != nil {
		m.pkt.Free()
		m.pkt = nil
	}
}
