package encode

/*
#cgo pkg-config: libavutil
#include <libavutil/frame.h>
*/
import "C"

import (
	"fmt"
	"image"
	"time"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// TranscodeConfig sets up a Reencoder: the H.264 it makes. Width and
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
