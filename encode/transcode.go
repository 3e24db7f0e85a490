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
// media.Packets) to H.264: a PictureDecoder and one Reencoder on the
// calling thread, which keeps the other cores for the studio's own encoder
// and makes its cost exact. Video must be called from one goroutine; Close
// and CPUTime from any.
//
// The price is speed: the ffmpeg CLI doing the same single-threaded job
// (HEVC 1080p30 to libx264 veryfast at 6 Mb/s) ran at 43 fps on one core
// of this project's build machine, so 1080p30 keeps up there and 1080p60
// does not.
type Transcoder struct {
	dec *PictureDecoder
	enc *Reencoder
}

// NewTranscoder returns a transcoder for cfg. A nil log discards.
func NewTranscoder(cfg TranscodeConfig, log *slog.Logger) (*Transcoder, error) {
	enc, err := NewReencoder(cfg, log)
	if err != nil {
		return nil, err
	}
	return &Transcoder{dec: NewPictureDecoder(log), enc: enc}, nil
}

// CPUTime returns the CPU time the transcode has cost so far, and false
// where the system does not measure a thread's CPU time.
func (t *Transcoder) CPUTime() (time.Duration, bool) {
	d, ok := t.dec.CPUTime()
	e, _ := t.enc.CPUTime()
	return d + e, ok
}

// Video takes the next video packet of the source and calls emit, on the
// caller's goroutine, for each H.264 packet that results (times in the
// source's milliseconds). Corrupt input returns an error wrapping
// ErrCorruptPacket and the transcoder waits for the next keyframe.
func (t *Transcoder) Video(p media.Packet, emit func(media.Packet)) error {
	return t.dec.Decode(p, func(img *image.YCbCr, pts int64) error { return t.enc.Picture(img, pts, emit) })
}

// Flush ends the stream: the pictures the decoder and the encoder still
// hold come out through emit. Video is not called after it.
func (t *Transcoder) Flush(emit func(media.Packet)) error {
	if err := t.dec.Drain(func(img *image.YCbCr, pts int64) error { return t.enc.Picture(img, pts, emit) }); err != nil {
		return err
	}
	return t.enc.Flush(emit)
}

// Encoder returns the name of the H.264 encoder, "" before it opened.
func (t *Transcoder) Encoder() string { return t.enc.Encoder() }

// Close frees the decoder and the encoder. Safe more than once.
func (t *Transcoder) Close() {
	t.dec.Close()
	t.enc.Close()
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
