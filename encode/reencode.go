package encode

import (
	"fmt"
	"image"
	"log/slog"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/seed7c1a73c4/onair/media"
)

// cpuMeter adds up the thread CPU time of the calls it runs.
type cpuMeter struct {
	ns    atomic.Int64
	known bool // this system measures a thread's CPU time
}

func newCPUMeter() cpuMeter {
	_, known := threadCPU()
	return cpuMeter{known: known}
}

// run runs fn on one locked thread and adds the thread's CPU time.
func (m *cpuMeter) run(fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, _ := threadCPU()
	err := fn()
	if end, ok := threadCPU(); ok {
		m.ns.Add(int64(end - start))
	}
	return err
}

// exclude runs fn inside run and takes its CPU time off: the time of what
// the metered call hands its results to (a Reencoder's, metered itself).
func (m *cpuMeter) exclude(fn func() error) error {
	start, _ := threadCPU()
	err := fn()
	if end, ok := threadCPU(); ok {
		m.ns.Add(-int64(end - start))
	}
	return err
}

// total returns the CPU time so far, and false where it is not measured.
func (m *cpuMeter) total() (time.Duration, bool) { return time.Duration(m.ns.Load()), m.known }

// PictureDecoder decodes one incoming video stream (H.264 or HEVC, as
// media.Packets) to 8-bit 4:2:0 pictures at the source's presentation times,
// on the calling thread alone (one decoder thread), so its CPU time is
// exact. Several Reencoders can share its pictures: a source re-encoded to
// several outputs is decoded once. Decode and Drain must be called from one
// goroutine; CPUTime and Close from any.
type PictureDecoder struct {
	dec *VideoDecoder
	fn  func(img *image.YCbCr, pts int64) error // the running call's, while it runs
	cpu cpuMeter
}

// NewPictureDecoder returns a decoder. A nil log discards.
func NewPictureDecoder(log *slog.Logger) *PictureDecoder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &PictureDecoder{dec: NewVideoDecoder(16, 16, log), cpu: newCPUMeter()}
	d.dec.onFrame, d.dec.threads = d.frame, 1
	return d
}

// Decode takes the next video packet of the source and calls fn for each
// picture that results. The picture is the decoder's own: it is valid
// only during fn. Corrupt input returns an error wrapping
// ErrCorruptPacket and the decoder waits for the next keyframe.
func (d *PictureDecoder) Decode(p media.Packet, fn func(img *image.YCbCr, pts int64) error) error {
	d.fn = fn
	defer func() { d.fn = nil }()
	return d.cpu.run(func() error {
		_, err := d.dec.Decode(p)
		return err
	})
}

// Drain ends the stream: the pictures the decoder still holds (frame
// reordering) come out through fn.
func (d *PictureDecoder) Drain(fn func(img *image.YCbCr, pts int64) error) error {
	d.fn = fn
	defer func() { d.fn = nil }()
	return d.cpu.run(d.dec.drain)
}

// CPUTime returns the CPU time decoding has cost so far (not what fn
// did), and false where the system does not measure a thread's CPU time.
func (d *PictureDecoder) CPUTime() (time.Duration, bool) { return d.cpu.total() }

// Close frees the decoder. Safe more than once.
func (d *PictureDecoder) Close() { d.dec.Close() }

// frame is the VideoDecoder's hook.
func (d *PictureDecoder) frame(f *astiav.Frame) error {
	img, err := ycbcrView(f)
	if err != nil {
		return err
	}
	pts := f.Pts()
	return d.cpu.exclude(func() error { return d.fn(img, pts) })
}

// Reencoder encodes a source's decoded pictures to H.264, keeping their
// presentation times (the source's milliseconds), so audio passed on
// beside it stays in sync. It opens its encoder at the second picture,
// which tells the source's rate when TranscodeConfig.FPS is 0; its first
// output is the H.264 sequence header. It encodes on the calling thread
// (one libx264 thread), which keeps the other cores for the studio's own
// encoder and makes its CPU time exact. Picture and Flush must be called
// from one goroutine; CPUTime and Close from any.
//
// The price is speed: the ffmpeg CLI doing the same single-threaded job
// (HEVC 1080p30 to libx264 veryfast at 6 Mb/s, decoding included) ran at
// 43 fps on one core of this project's build machine, so 1080p30 keeps up
// there and 1080p60 does not.
type Reencoder struct {
	cfg  TranscodeConfig
	log  *slog.Logger
	enc  *VideoEncoder
	emit func(media.Packet) // the running call's, while it runs
	// Before the encoder opens: the first picture (copied) and its time.
	first    *image.YCbCr
	firstPTS int64
	base     int64 // source PTS of the encoder's time 0
	last     int64 // source PTS of the last picture encoded
	cpu      cpuMeter
}

// NewReencoder returns an encoder for cfg. A nil log discards.
func NewReencoder(cfg TranscodeConfig, log *slog.Logger) (*Reencoder, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Bitrate <= 0 {
		return nil, fmt.Errorf("%w: a transcode needs a bitrate", ErrInvalidConfig)
	}
	return &Reencoder{cfg: cfg, log: log, cpu: newCPUMeter()}, nil
}

// Picture encodes one picture at its source time and calls emit for each
// H.264 packet that results. img is only read during the call.
func (r *Reencoder) Picture(img *image.YCbCr, pts int64, emit func(media.Packet)) error {
	r.emit = emit
	defer func() { r.emit = nil }()
	return r.cpu.run(func() error { return r.picture(img, pts) })
}

// Flush ends the stream: the pictures the encoder still holds (its
// lookahead) come out through emit. Picture is not called after it.
func (r *Reencoder) Flush(emit func(media.Packet)) error {
	if r.enc == nil {
		return nil
	}
	r.emit = emit
	defer func() { r.emit = nil }()
	return r.cpu.run(func() error { return r.enc.Flush(r.toSource) })
}

// CPUTime returns the CPU time encoding has cost so far, and false where
// the system does not measure a thread's CPU time.
func (r *Reencoder) CPUTime() (time.Duration, bool) { return r.cpu.total() }

// Encoder returns the name of the H.264 encoder, "" before it opened.
func (r *Reencoder) Encoder() string {
	if r.enc == nil {
		return ""
	}
	return r.enc.Name()
}

// Close frees the encoder. Safe more than once.
func (r *Reencoder) Close() {
	if r.enc != nil {
		r.enc.Close()
	}
}

// picture encodes one picture, opening the encoder at the second.
func (r *Reencoder) picture(img *image.YCbCr, pts int64) error {
	if r.enc == nil {
		if r.first == nil {
			r.first, r.firstPTS = copyYCbCr(img), pts
			return nil
		}
		if err := r.open(img, pts); err != nil {
			return err
		}
		if err := r.encode(r.first, r.firstPTS); err != nil {
			return err
		}
		r.first = nil
	}
	return r.encode(img, pts)
}

// open starts the encoder once two pictures tell the source's rate.
func (r *Reencoder) open(img *image.YCbCr, pts int64) error {
	cfg := VideoConfig{Width: r.cfg.Width, Height: r.cfg.Height, FPS: r.cfg.FPS, Bitrate: r.cfg.Bitrate,
		KeyInt: r.cfg.KeyInt, Preset: r.cfg.Preset, Encoder: r.cfg.Encoder, Threads: 1}
	if cfg.Encoder == "" {
		cfg.Encoder = EncoderX264
	}
	if cfg.Width == 0 || cfg.Height == 0 {
		cfg.Width, cfg.Height = img.Rect.Dx()&^1, img.Rect.Dy()&^1
	}
	if cfg.FPS == 0 {
		cfg.FPS = 30
		if d := pts - r.firstPTS; d > 0 {
			cfg.FPS = min(max(int((1000+d/2)/d), 1), MaxFPS)
		}
	}
	enc, err := NewVideoEncoder(cfg, r.log)
	if err != nil {
		return fmt.Errorf("encode: the transcode's encoder: %w", err)
	}
	r.enc, r.base = enc, r.firstPTS
	h := enc.SequenceHeader()
	h.DTS, h.PTS = r.base, r.base
	r.emit(h)
	r.log.Info("transcoding", "encoder", enc.Name(), "width", cfg.Width, "height", cfg.Height, "fps", cfg.FPS, "bitrate", cfg.Bitrate)
	return nil
}

// encode encodes one picture at its source time.
func (r *Reencoder) encode(img *image.YCbCr, pts int64) error {
	if pts <= r.last && r.last != 0 || pts < r.base {
		return nil // a picture from before the last one (a source restart): leave it out
	}
	r.last = pts
	return r.enc.Encode(img, time.Duration(pts-r.base)*time.Millisecond, r.toSource)
}

// toSource hands on an encoder packet at the source's times.
func (r *Reencoder) toSource(p media.Packet) {
	p.DTS += r.base
	p.PTS += r.base
	r.emit(p)
}
