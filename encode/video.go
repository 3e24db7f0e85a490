package encode

import (
	"fmt"
	"image"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/media"
)

// VideoEncoder turns images into H.264 or HEVC packets (4-byte
// length-prefixed NAL units, millisecond DTS/PTS).
//
// Encode and Flush must be called from one goroutine (the owner of the
// codec context). ForceKeyFrame and Close may be called from any goroutine;
// Close is safe to call twice and after errors.
type VideoEncoder struct {
	log      *slog.Logger
	cfg      VideoConfig
	name     string
	header   []byte // AVCDecoderConfigurationRecord or HEVCDecoderConfigurationRecord
	forceKey atomic.Bool

	mu      sync.Mutex // guards everything below against a concurrent Close
	closed  bool
	flushed bool
	open    *openedVideo
	frame   *astiav.Frame // software picture swscale writes, reused
	pkt     *astiav.Packet
	sws     *swscaler
	nals    []h264.NALRange // scratch for Annex B parsing (hevc.NALRange is the same type)
	nextKey time.Duration   // presentation time of the next scheduled IDR
	started bool
	lastMS  int64
	clamp   warnLimiter
}

// NewVideoEncoder validates cfg and opens the encoder it names. With
// Encoder "auto" (the default) it tries the codec's VAAPI and NVENC encoders
// (each only if its device node exists) and falls back to libx264 (H.264) or
// libx265 (HEVC), logging "no hardware H.264 encoder found; using libx264" at
// Info. A named hardware encoder that cannot open is an error wrapping
// ErrEncoderUnavailable. A nil log discards.
func NewVideoEncoder(cfg VideoConfig, log *slog.Logger) (*VideoEncoder, error) {
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
	o, err := openVideo(cfg, log)
	if err != nil {
		if sw := softwareBackend(cfg.Codec); cfg.Encoder == sw.kind || cfg.Encoder == EncoderAuto {
			err = fmt.Errorf("encode: %s could not be opened: %w", sw.codec, err)
		}
		return nil, err
	}
	e := &VideoEncoder{log: log, cfg: cfg, name: o.backend.codec, open: o, clamp: warnLimiter{interval: 10 * time.Second}}
	if err := e.init(); err != nil {
		e.Close()
		return nil, err
	}
	log.Info("video encoder ready", "encoder", e.name, "codec", cfg.Codec, "width", cfg.Width, "height", cfg.Height,
		"fps", cfg.FPS, "bitrate", cfg.Bitrate, "keyint", cfg.KeyInt, "bframes", cfg.BFrames,
		"preset", cfg.Preset, "zerolatency", cfg.ZeroLatency)
	return e, nil
}

func (e *VideoEncoder) init() (err error) {
	if e.cfg.Codec == media.CodecHEVC {
		e.header, err = hevc.ConfigFromExtradata(e.open.cc.ExtraData())
	} else {
		e.header, err = h264.ConfigFromExtradata(e.open.cc.ExtraData())
	}
	if err != nil {
		return fmt.Errorf("encode: %s sequence header: %w", e.name, err)
	}
	e.frame = astiav.AllocFrame()
	e.frame.SetWidth(e.cfg.Width)
	e.frame.SetHeight(e.cfg.Height)
	e.frame.SetPixelFormat(e.open.backend.swFmt)
	e.frame.SetColorRange(astiav.ColorRangeMpeg)
	e.frame.SetSampleAspectRatio(astiav.NewRational(1, 1))
	if err := e.frame.AllocBuffer(0); err != nil {
		return fmt.Errorf("encode: allocating the %dx%d picture: %w", e.cfg.Width, e.cfg.Height, err)
	}
	e.pkt = astiav.AllocPacket()
	e.sws = newSwscaler(e.cfg.Width, e.cfg.Height, e.open.backend.swFmt, false)
	return nil
}

// Name returns the FFmpeg encoder in use, e.g. "libx264" or "h264_vaapi".
func (e *VideoEncoder) Name() string { return e.name }

// Codec returns what the encoder makes: H.264 or HEVC.
func (e *VideoEncoder) Codec() media.Codec { return e.cfg.Codec }

// SequenceHeader returns the decoder configuration record (AVC's SPS/PPS, or
// HEVC's VPS/SPS/PPS, from the encoder's global header) as a video header
// packet at time 0. Each call returns a fresh copy of the bytes.
func (e *VideoEncoder) SequenceHeader() media.Packet {
	return media.Packet{Kind: media.KindVideo, Codec: e.cfg.Codec, Header: true, Key: true, Data: append([]byte(nil), e.header...)}
}

// ForceKeyFrame makes the next Encode produce an IDR, in addition to the
// scheduled ones (which stay on their KeyInt grid). Safe from any goroutine.
func (e *VideoEncoder) ForceKeyFrame() { e.forceKey.Store(true) }

// Encode converts img (any size; *image.YCbCr, *image.RGBA, *image.NRGBA and
// *image.Gray without an extra copy, other types through an RGBA scratch) to
// the configured size and pixel format, encodes it at presentation time pts
// (from stream start, >= 0) and calls emit, on the caller's goroutine, for
// each packet the encoder hands back, in decode order. emit must not call
// Close on this encoder.
//
// Timestamps are milliseconds (pts rounded to the nearest ms; a pts that
// does not advance by at least 1 ms is moved 1 ms past the previous one and
// logged). DTS increases strictly and PTS >= DTS; with B-frames the first
// packets have a negative DTS (down to minus the reorder delay): the caller
// shifts all timestamps of the program by one constant. An IDR is forced on
// the first frame whose pts reaches each multiple of KeyInt, so keyframes are
// exactly KeyInt apart however many frames were dropped upstream. Packet.Key
// is true exactly for IDR (HEVC: IRAP) access units; Packet.Data is a fresh
// copy.
func (e *VideoEncoder) Encode(img image.Image, pts time.Duration, emit func(media.Packet)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if e.flushed {
		return ErrFlushed
	}
	if pts < 0 {
		return fmt.Errorf("%w: negative video pts %s", ErrUnsupportedInput, pts)
	}
	ms := (pts + time.Millisecond/2).Milliseconds()
	if e.started && ms <= e.lastMS {
		e.clamp.warn(e.log, pts, "video pts does not advance; moving it 1 ms past the previous frame",
			"pts_ms", ms, "previous_ms", e.lastMS)
		ms = e.lastMS + 1
	}
	if err := e.sws.toFrame(img, e.frame); err != nil {
		return fmt.Errorf("encode: video frame at %s: %w", pts, err)
	}
	key := e.forceKey.Swap(false)
	if pts >= e.nextKey {
		key = true
		e.nextKey = (pts/e.cfg.KeyInt + 1) * e.cfg.KeyInt
	}
	e.frame.SetPts(ms)
	if key {
		e.frame.SetPictureType(astiav.PictureTypeI)
	} else {
		e.frame.SetPictureType(astiav.PictureTypeNone)
	}
	in := e.frame
	if e.open.hw != nil {
		var err error
		if in, err = e.open.hw.upload(e.open.cc, e.frame); err != nil {
			return err
		}
	}
	if err := e.open.cc.SendFrame(in); err != nil {
		return fmt.Errorf("encode: sending the frame at %s to %s: %w", pts, e.name, err)
	}
	e.started, e.lastMS = true, ms
	return e.drain(emit)
}

// Flush drains the frames the encoder still holds (lookahead, B-frames,
// threads) through emit. It ends the stream: Encode returns ErrFlushed after
// it. Flushing twice is a no-op.
func (e *VideoEncoder) Flush(emit func(media.Packet)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if e.flushed {
		return nil
	}
	e.flushed = true
	if err := e.open.cc.SendFrame(nil); err != nil {
		return fmt.Errorf("encode: flushing %s: %w", e.name, err)
	}
	return e.drain(emit)
}

// drain hands every packet the encoder has ready to emit.
func (e *VideoEncoder) drain(emit func(media.Packet)) error {
	for {
		ret := receivePacket(e.open.cc, e.pkt)
		if ret == int(astiav.ErrEagain) || ret == int(astiav.ErrEof) {
			return nil
		}
		if ret < 0 {
			return fmt.Errorf("encode: receiving a packet from %s: %w", e.name, libavError(ret))
		}
		var data []byte
		var key bool
		if e.cfg.Codec == media.CodecHEVC {
			data, key = hevc.AnnexBToHVCC(packetView(e.pkt), &e.nals)
		} else {
			data, key = h264.AnnexBToAVCC(packetView(e.pkt), &e.nals)
		}
		p := media.Packet{Kind: media.KindVideo, Codec: e.cfg.Codec, Key: key, DTS: e.pkt.Dts(), PTS: e.pkt.Pts(), Data: data}
		e.pkt.Unref()
		if len(data) > 0 {
			emit(p)
		}
	}
}

// Close frees the encoder. It may be called from any goroutine, more than
// once, and after errors; Encode and Flush return ErrClosed afterwards.
func (e *VideoEncoder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	if e.sws != nil {
		e.sws.free()
	}
	if e.frame != nil {
		e.frame.Free()
	}
	if e.pkt != nil {
		e.pkt.Free()
	}
	e.open.free()
	return nil
}
