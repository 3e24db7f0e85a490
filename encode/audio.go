package encode

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/media"
)

// AudioEncoder turns PCM into AAC-LC packets with FFmpeg's native aac
// encoder (planar float, global header).
//
// Encode and Flush must be called from one goroutine (the owner of the
// codec context). Close may be called from any goroutine, more than once.
type AudioEncoder struct {
	log       *slog.Logger
	cfg       AudioConfig
	asc       []byte // AudioSpecificConfig
	frameSize int    // samples per channel per AAC frame (1024)

	mu      sync.Mutex // guards everything below against a concurrent Close
	closed  bool
	flushed bool
	cc      *astiav.CodecContext
	frame   *astiav.Frame // planar float frame the FIFO fills, reused
	pkt     *astiav.Packet
	rs      *resampler
	clock   audioClock
}

// NewAudioEncoder validates cfg (zero fields take the defaults: 160 kb/s,
// 48 kHz, stereo) and opens the AAC encoder. A nil log discards.
func NewAudioEncoder(cfg AudioConfig, log *slog.Logger) (*AudioEncoder, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := shimCheck(); err != nil {
		return nil, err
	}
	e := &AudioEncoder{log: log, cfg: cfg, clock: newAudioClock(cfg.SampleRate)}
	if err := e.open(); err != nil {
		e.Close()
		return nil, err
	}
	log.Info("audio encoder ready", "encoder", "aac", "bitrate", cfg.Bitrate,
		"sample_rate", cfg.SampleRate, "channels", cfg.Channels)
	return e, nil
}

func (e *AudioEncoder) open() error {
	codec := astiav.FindEncoderByName("aac")
	if codec == nil {
		return fmt.Errorf("%w: FFmpeg's aac encoder is not part of this build", ErrEncoderUnavailable)
	}
	if e.cc = astiav.AllocCodecContext(codec); e.cc == nil {
		return errors.New("encode: allocating the AAC codec context failed")
	}
	layout := astiav.ChannelLayoutStereo
	if e.cfg.Channels == 1 {
		layout = astiav.ChannelLayoutMono
	}
	e.cc.SetSampleFormat(astiav.SampleFormatFltp)
	e.cc.SetSampleRate(e.cfg.SampleRate)
	e.cc.SetChannelLayout(layout)
	e.cc.SetBitRate(int64(e.cfg.Bitrate))
	e.cc.SetTimeBase(astiav.NewRational(1, e.cfg.SampleRate))
	e.cc.SetFlags(e.cc.Flags().Add(astiav.CodecContextFlagGlobalHeader))
	opts := astiav.NewDictionary()
	defer opts.Free()
	if err := opts.Set("profile", "aac_low", 0); err != nil {
		return fmt.Errorf("encode: setting the AAC profile: %w", err)
	}
	if err := e.cc.Open(codec, opts); err != nil {
		return fmt.Errorf("encode: opening the AAC encoder (%d Hz, %d ch, %d b/s): %w",
			e.cfg.SampleRate, e.cfg.Channels, e.cfg.Bitrate, err)
	}
	if e.asc = e.cc.ExtraData(); len(e.asc) < 2 {
		return errors.New("encode: the AAC encoder produced no AudioSpecificConfig")
	}
	if e.frameSize = e.cc.FrameSize(); e.frameSize <= 0 {
		return errors.New("encode: the AAC encoder reports no frame size")
	}
	e.frame = astiav.AllocFrame()
	e.frame.SetNbSamples(e.frameSize)
	e.frame.SetSampleFormat(astiav.SampleFormatFltp)
	e.frame.SetChannelLayout(layout)
	e.frame.SetSampleRate(e.cfg.SampleRate)
	if err := e.frame.AllocBuffer(0); err != nil {
		return fmt.Errorf("encode: allocating the audio frame: %w", err)
	}
	e.pkt = astiav.AllocPacket()
	var err error
	e.rs, err = newResampler(e.cfg.SampleRate, e.cfg.Channels)
	return err
}

// SequenceHeader returns the AudioSpecificConfig as an audio header packet
// at time 0. Each call returns a fresh copy of the bytes.
func (e *AudioEncoder) SequenceHeader() media.Packet {
	return media.Packet{Kind: media.KindAudio, Header: true, Key: true, Data: append([]byte(nil), e.asc...)}
}

// Encode resamples f (S16 or F32 interleaved, any rate and channel count;
// mono is spread to both channels at -3 dB) to the configured rate and
// layout, cuts it into whole AAC frames and calls emit for every packet, on
// the caller's goroutine. f.Time is the capture time relative to stream
// start.
//
// Timestamps (DTS = PTS, ms) are anchored at the first buffer's f.Time and
// then counted in samples: pts_ms = round(samples*1000/rate), so steps are
// 21 or 22 ms at 48 kHz. The first packet is stamped one frame (21 ms)
// before the anchor: it carries the encoder's priming samples, so decoded
// audio lines up with the anchor. If f.Time strays more than 200 ms from the
// counted time, a jump ahead re-anchors (a gap in the timestamps) and a jump
// back drops the overlapping samples (timestamps never go back); either is
// logged at Warn, at most every 10 s.
func (e *AudioEncoder) Encode(f capture.AudioFrame, emit func(media.Packet)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if e.flushed {
		return ErrFlushed
	}
	bps := f.Format.BytesPerSample()
	switch {
	case bps == 0:
		return fmt.Errorf("%w: audio sample format %d", ErrUnsupportedInput, f.Format)
	case f.Rate < 1000 || f.Rate > 768000:
		return fmt.Errorf("%w: audio sample rate %d Hz", ErrUnsupportedInput, f.Rate)
	case f.Channels < 1 || f.Channels > 64:
		return fmt.Errorf("%w: %d audio channels", ErrUnsupportedInput, f.Channels)
	case f.Samples < 0 || len(f.Data) < f.Samples*f.Channels*bps:
		return fmt.Errorf("%w: audio buffer of %d bytes is shorter than %d samples of %d channels",
			ErrUnsupportedInput, len(f.Data), f.Samples, f.Channels)
	case f.Samples == 0:
		return nil
	}
	skip := e.clock.admit(f.Time, f.Rate, f.Samples, e.rs.buffered(), e.log)
	if skip >= f.Samples {
		return nil
	}
	stride := f.Channels * bps
	if err := e.rs.push(f.Format, f.Rate, f.Channels, f.Data[skip*stride:f.Samples*stride], f.Samples-skip); err != nil {
		return err
	}
	return e.encodeQueued(emit, false)
}

// encodeQueued sends every whole frame waiting in the FIFO to the encoder;
// with last it also sends the final short frame.
func (e *AudioEncoder) encodeQueued(emit func(media.Packet), last bool) error {
	for {
		n := e.rs.buffered()
		if n == 0 || (n < e.frameSize && !last) {
			return nil
		}
		n = min(n, e.frameSize)
		e.frame.SetNbSamples(n)
		if err := e.rs.read(e.frame, n); err != nil {
			return err
		}
		e.frame.SetPts(e.clock.take(n))
		err := e.cc.SendFrame(e.frame)
		e.frame.SetNbSamples(e.frameSize)
		if err != nil {
			return fmt.Errorf("encode: sending audio to the AAC encoder: %w", err)
		}
		if err := e.drain(emit); err != nil {
			return err
		}
	}
}

// Flush encodes what the resampler and FIFO still hold (the last frame may
// be short), then drains the encoder. It ends the stream: Encode returns
// ErrFlushed after it. Flushing twice is a no-op.
func (e *AudioEncoder) Flush(emit func(media.Packet)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if e.flushed {
		return nil
	}
	e.flushed = true
	if err := e.rs.drain(); err != nil {
		return err
	}
	if err := e.encodeQueued(emit, true); err != nil {
		return err
	}
	if err := e.cc.SendFrame(nil); err != nil {
		return fmt.Errorf("encode: flushing the AAC encoder: %w", err)
	}
	return e.drain(emit)
}

func (e *AudioEncoder) drain(emit func(media.Packet)) error {
	for {
		ret := receivePacket(e.cc, e.pkt)
		if ret == int(astiav.ErrEagain) || ret == int(astiav.ErrEof) {
			return nil
		}
		if ret < 0 {
			return fmt.Errorf("encode: receiving a packet from the AAC encoder: %w", libavError(ret))
		}
		ms := samplesToMillis(e.pkt.Pts(), e.cfg.SampleRate)
		p := media.Packet{Kind: media.KindAudio, Key: true, DTS: ms, PTS: ms, Data: append([]byte(nil), packetView(e.pkt)...)}
		e.pkt.Unref()
		if len(p.Data) > 0 {
			emit(p)
		}
	}
}

// Close frees the encoder. It may be called from any goroutine, more than
// once, and after errors; Encode and Flush return ErrClosed afterwards.
func (e *AudioEncoder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	e.rs.free()
	if e.frame != nil {
		e.frame.Free()
	}
	if e.pkt != nil {
		e.pkt.Free()
	}
	if e.cc != nil {
		e.cc.Free()
	}
	return nil
}
