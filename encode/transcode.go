package encode

/*
#cgo pkg-config: libavutil
#include <libavutil/frame.h>
*/
import "C"

import (
	"fmt"
	"image"
	"log/slog"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/media"
)

// TranscodeConfig sets up a Transcoder: the H.264 it makes. Width and
// Height 0 keep the source's size; FPS 0 takes the source's rate from its
// first two pictures. The rest is as VideoConfig (libx264 unless Encoder
// says otherwise; keyframes every KeyInt of presentation time).
type TranscodeConfig struct {
	Width, Height int
	FPS           int
	Bitrate       int
	KeyInt        time.Duration
	Preset        string
	Encoder       string
}

// Transcoder re-encodes one incoming video stream (H.264 or HEVC, as
// media.Packets) to H.264: it decodes each access unit and encodes every
// picture again, keeping the source's presentation times, so audio passed
// on beside it stays in sync. Its first output is the H.264 sequence
// header. Video must be called from one goroutine; Close and CPUTime from
// any.
//
// It decodes and encodes on the calling thread alone (one decoder thread,
// one libx264 thread), which keeps the other cores for the studio's own
// encoder and makes its cost exact: CPUTime is that thread's CPU time.
// The price is speed: the ffmpeg CLI doing the same single-threaded job
// (HEVC 1080p30 to libx264 veryfast at 6 Mb/s) ran at 43 fps on one core
// of this project's build machine, so 1080p30 keeps up there and 1080p60
// does not.
type Transcoder struct {
	cfg TranscodeConfig
	log *slog.Logger
	dec *VideoDecoder
	enc *VideoEncoder
	// emit is Video's emit while it runs (the decoder calls back into
	// picture under it).
	emit func(media.Packet)
	// Before the encoder opens: the first picture (copied) and its time.
	first    *image.YCbCr
	firstPTS int64
	base     int64        // source PTS of the encoder's time 0
	last     int64        // source PTS of the last picture encoded
	cpu      atomic.Int64 // nanoseconds of thread CPU time in Video and Flush
	cpuKnown bool         // this system measures a thread's CPU time
}

// NewTranscoder returns a transcoder for cfg. A nil log discards.
func NewTranscoder(cfg TranscodeConfig, log *slog.Logger) (*Transcoder, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Bitrate <= 0 {
		return nil, fmt.Errorf("%w: a transcode needs a bitrate", ErrInvalidConfig)
	}
	t := &Transcoder{cfg: cfg, log: log, dec: NewVideoDecoder(16, 16, log)}
	t.dec.onFrame, t.dec.threads = t.picture, 1
	_, t.cpuKnown = threadCPU()
	return t, nil
}

// CPUTime returns the CPU time the transcode has cost so far, and false
// where the system does not measure a thread's CPU time.
func (t *Transcoder) CPUTime() (time.Duration, bool) {
	return time.Duration(t.cpu.Load()), t.cpuKnown
}

// metered runs fn on one locked thread and adds the thread's CPU time.
func (t *Transcoder) metered(fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, _ := threadCPU()
	err := fn()
	if end, ok := threadCPU(); ok {
		t.cpu.Add(int64(end - start))
	}
	return err
}

// Video takes the next video packet of the source and calls emit, on the
// caller's goroutine, for each H.264 packet that results (times in the
// source's milliseconds). Corrupt input returns an error wrapping
// ErrCorruptPacket and the transcoder waits for the next keyframe.
func (t *Transcoder) Video(p media.Packet, emit func(media.Packet)) error {
	t.emit = emit
	defer func() { t.emit = nil }()
	return t.metered(func() error {
		_, err := t.dec.Decode(p)
		return err
	})
}

// Flush ends the stream: the pictures the decoder and the encoder still
// hold come out through emit. Video is not called after it.
func (t *Transcoder) Flush(emit func(media.Packet)) error {
	t.emit = emit
	defer func() { t.emit = nil }()
	return t.metered(func() error {
		if err := t.dec.drain(); err != nil {
			return err
		}
		if t.enc == nil {
			return nil
		}
		return t.enc.Flush(t.toSource)
	})
}

// Encoder returns the name of the H.264 encoder, "" before it opened.
func (t *Transcoder) Encoder() string {
	if t.enc == nil {
		return ""
	}
	return t.enc.Name()
}

// picture is the decoder's hook: it encodes one decoded picture.
func (t *Transcoder) picture(f *astiav.Frame) error {
	img, err := ycbcrView(f)
	if err != nil {
		return err
	}
	pts := f.Pts()
	if t.enc == nil {
		if t.first == nil {
			t.first, t.firstPTS = copyYCbCr(img), pts
			return nil
		}
		if err := t.open(img, pts); err != nil {
			return err
		}
		if err := t.encode(t.first, t.firstPTS); err != nil {
			return err
		}
		t.first = nil
	}
	return t.encode(img, pts)
}

// open starts the encoder once two pictures tell the source's rate.
func (t *Transcoder) open(img *image.YCbCr, pts int64) error {
	cfg := VideoConfig{Width: t.cfg.Width, Height: t.cfg.Height, FPS: t.cfg.FPS, Bitrate: t.cfg.Bitrate,
		KeyInt: t.cfg.KeyInt, Preset: t.cfg.Preset, Encoder: t.cfg.Encoder, Threads: 1}
	if cfg.Encoder == "" {
		cfg.Encoder = EncoderX264
	}
	if cfg.Width == 0 || cfg.Height == 0 {
		cfg.Width, cfg.Height = img.Rect.Dx()&^1, img.Rect.Dy()&^1
	}
	if cfg.FPS == 0 {
		cfg.FPS = 30
		if d := pts - t.firstPTS; d > 0 {
			cfg.FPS = min(max(int((1000+d/2)/d), 1), MaxFPS)
		}
	}
	enc, err := NewVideoEncoder(cfg, t.log)
	if err != nil {
		return fmt.Errorf("encode: the transcode's encoder: %w", err)
	}
	t.enc, t.base = enc, t.firstPTS
	h := enc.SequenceHeader()
	h.DTS, h.PTS = t.base, t.base
	t.emit(h)
	t.log.Info("transcoding", "encoder", enc.Name(), "width", cfg.Width, "height", cfg.Height, "fps", cfg.FPS, "bitrate", cfg.Bitrate)
	return nil
}

// encode encodes one picture at its source time.
func (t *Transcoder) encode(img *image.YCbCr, pts int64) error {
	if pts <= t.last && t.last != 0 || pts < t.base {
		return nil // a picture from before the last one (a source restart): leave it out
	}
	t.last = pts
	return t.enc.Encode(img, time.Duration(pts-t.base)*time.Millisecond, t.toSource)
}

// toSource hands on an encoder packet at the source's times.
func (t *Transcoder) toSource(p media.Packet) {
	p.DTS += t.base
	p.PTS += t.base
	t.emit(p)
}

// Close frees the decoder and the encoder. Safe more than once.
func (t *Transcoder) Close() {
	t.dec.Close()
	if t.enc != nil {
		t.enc.Close()
	}
}

// ycbcrView returns a decoded 8-bit 4:2:0 picture as an image.YCbCr over
// the frame's own planes (valid until the frame is unreferenced).
func ycbcrView(f *astiav.Frame) (*image.YCbCr, error) {
	switch pf := f.PixelFormat(); pf {
	case astiav.PixelFormatYuv420P, astiav.PixelFormatYuvj420P:
	default:
		return nil, fmt.Errorf("%w: decoded %s pictures (a transcode takes 8-bit 4:2:0)", ErrUnsupportedInput, pf)
	}
	cf := frameC(f)
	w, h := int(cf.width), int(cf.height)
	ch := (h + 1) / 2
	plane := func(i, rows int) []byte {
		return unsafe.Slice((*byte)(unsafe.Pointer(cf.data[i])), int(cf.linesize[i])*rows)
	}
	return &image.YCbCr{Y: plane(0, h), Cb: plane(1, ch), Cr: plane(2, ch), YStride: int(cf.linesize[0]),
		CStride: int(cf.linesize[1]), SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, w, h)}, nil
}

// copyYCbCr copies a picture out of a frame that is about to be reused.
func copyYCbCr(m *image.YCbCr) *image.YCbCr {
	c := *m
	c.Y, c.Cb, c.Cr = append([]byte(nil), m.Y...), append([]byte(nil), m.Cb...), append([]byte(nil), m.Cr...)
	return &c
}
