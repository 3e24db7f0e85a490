package encode

/*
#cgo pkg-config: libswscale libavutil
#include <libswscale/swscale.h>
#include <libavutil/frame.h>

// onair_sws_new builds a bilinear scaler. YUV sides are BT.709; *_full says
// whether that side is full range (RGB, gray) or limited (video YUV).
static struct SwsContext *onair_sws_new(int sw, int sh, int sfmt, int src_full,
                                        int dw, int dh, int dfmt, int dst_full) {
	struct SwsContext *c = sws_getContext(sw, sh, sfmt, dw, dh, dfmt, SWS_BILINEAR, NULL, NULL, NULL);
	if (!c) return NULL;
	const int *bt709 = sws_getCoefficients(SWS_CS_ITU709);
	sws_setColorspaceDetails(c, bt709, src_full, bt709, dst_full, 0, 1 << 16, 1 << 16);
	return c;
}

// onair_sws_frame scales Go-owned planes (passed for the duration of the
// call only) into dst, which must already have its buffers.
static int onair_sws_frame(struct SwsContext *c, int sh,
                           const uint8_t *s0, const uint8_t *s1, const uint8_t *s2,
                           int l0, int l1, int l2, AVFrame *dst) {
	int ret = av_frame_make_writable(dst);
	if (ret < 0) return ret;
	const uint8_t *const src[4] = {s0, s1, s2, NULL};
	const int stride[4] = {l0, l1, l2, 0};
	return sws_scale(c, src, stride, 0, sh, dst->data, dst->linesize);
}

// onair_sws_packed scales into one packed Go-owned plane (RGBA).
static int onair_sws_packed(struct SwsContext *c, int sh,
                            const uint8_t *s0, const uint8_t *s1, const uint8_t *s2,
                            int l0, int l1, int l2, uint8_t *d, int dl) {
	const uint8_t *const src[4] = {s0, s1, s2, NULL};
	const int stride[4] = {l0, l1, l2, 0};
	uint8_t *const dst[4] = {d, NULL, NULL, NULL};
	const int dstride[4] = {dl, 0, 0, 0};
	return sws_scale(c, src, stride, 0, sh, dst, dstride);
}
*/
import "C"

import (
	"fmt"
	"image"
	"image/draw"
	"sync"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// planes describes a Go image as libav sees it: a pixel format and up to
// three plane pointers with their strides. The pointers are Go memory and
// are only lent to C for the duration of one call.
type planes struct {
	format astiav.PixelFormat
	full   bool // full-range samples (RGB, gray) rather than video-range YUV
	w, h   int
	ptr    [3]*byte
	stride [3]int
}

// swscaler converts Go images to one destination format and size. It keeps
// one SwsContext and rebuilds it only when the source size or format
// changes. Not safe for concurrent use.
type swscaler struct {
	ctx      *C.struct_SwsContext
	src      planes // geometry the context was built for (pointers unused)
	dstW     int
	dstH     int
	dstFmt   astiav.PixelFormat
	dstFull  bool
	builds   int         // contexts built so far (tests check the cache)
	fallback *image.RGBA // scratch for image types libav cannot read directly
}

func newSwscaler(dstW, dstH int, dstFmt astiav.PixelFormat, dstFull bool) *swscaler {
	return &swscaler{dstW: dstW, dstH: dstH, dstFmt: dstFmt, dstFull: dstFull}
}

// prepare makes sure the context fits p.
func (s *swscaler) prepare(p planes) error {
	if s.ctx != nil && s.src.format == p.format && s.src.w == p.w && s.src.h == p.h {
		return nil
	}
	s.free()
	s.ctx = C.onair_sws_new(C.int(p.w), C.int(p.h), C.int(p.format), cbool(p.full),
		C.int(s.dstW), C.int(s.dstH), C.int(s.dstFmt), cbool(s.dstFull))
	if s.ctx == nil {
		return fmt.Errorf("encode: swscale cannot convert %s %dx%d to %s %dx%d",
			p.format, p.w, p.h, s.dstFmt, s.dstW, s.dstH)
	}
	s.src = p
	s.builds++
	return nil
}

// toFrame converts img into dst (allocated with the destination format and
// size).
func (s *swscaler) toFrame(img image.Image, dst *astiav.Frame) error {
	p, err := s.planesOf(img)
	if err != nil {
		return err
	}
	if err := s.prepare(p); err != nil {
		return err
	}
	ret := C.onair_sws_frame(s.ctx, C.int(p.h), cptr(p.ptr[0]), cptr(p.ptr[1]), cptr(p.ptr[2]),
		C.int(p.stride[0]), C.int(p.stride[1]), C.int(p.stride[2]), frameC(dst))
	if ret < 0 {
		return fmt.Errorf("encode: scaling %s %dx%d: %w", p.format, p.w, p.h, libavError(int(ret)))
	}
	return nil
}

// toPacked converts img into one packed plane dst of stride dstStride.
func (s *swscaler) toPacked(img image.Image, dst []byte, dstStride int) error {
	if len(dst) < dstStride*(s.dstH-1)+s.dstW*4 {
		return fmt.Errorf("encode: destination buffer too small")
	}
	p, err := s.planesOf(img)
	if err != nil {
		return err
	}
	if err := s.prepare(p); err != nil {
		return err
	}
	ret := C.onair_sws_packed(s.ctx, C.int(p.h), cptr(p.ptr[0]), cptr(p.ptr[1]), cptr(p.ptr[2]),
		C.int(p.stride[0]), C.int(p.stride[1]), C.int(p.stride[2]),
		(*C.uint8_t)(unsafe.Pointer(&dst[0])), C.int(dstStride))
	if ret < 0 {
		return fmt.Errorf("encode: scaling %s %dx%d: %w", p.format, p.w, p.h, libavError(int(ret)))
	}
	return nil
}

func (s *swscaler) free() {
	if s.ctx != nil {
		C.sws_freeContext(s.ctx)
		s.ctx = nil
	}
}

// planesOf maps img onto libav planes without copying when libav has a
// matching format; other image types are drawn into a reused RGBA scratch.
func (s *swscaler) planesOf(img image.Image) (planes, error) {
	if img == nil {
		return planes{}, fmt.Errorf("%w: nil image", ErrUnsupportedInput)
	}
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return planes{}, fmt.Errorf("%w: empty image %v", ErrUnsupportedInput, r)
	}
	switch m := img.(type) {
	case *image.YCbCr:
		return yuvPlanes(m)
	case *image.NYCbCrA:
		return yuvPlanes(&m.YCbCr)
	case *image.RGBA:
		return packedPlanes(astiav.PixelFormatRgba, m.Pix, m.PixOffset(r.Min.X, r.Min.Y), m.Stride, w, h, 4)
	case *image.NRGBA:
		return packedPlanes(astiav.PixelFormatRgba, m.Pix, m.PixOffset(r.Min.X, r.Min.Y), m.Stride, w, h, 4)
	case *image.Gray:
		return packedPlanes(astiav.PixelFormatGray8, m.Pix, m.PixOffset(r.Min.X, r.Min.Y), m.Stride, w, h, 1)
	}
	if s.fallback == nil || s.fallback.Rect.Dx() != w || s.fallback.Rect.Dy() != h {
		s.fallback = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	draw.Draw(s.fallback, s.fallback.Rect, img, r.Min, draw.Src)
	return packedPlanes(astiav.PixelFormatRgba, s.fallback.Pix, 0, s.fallback.Stride, w, h, 4)
}

func packedPlanes(f astiav.PixelFormat, pix []byte, off, stride, w, h, bpp int) (planes, error) {
	if stride < w*bpp || off < 0 || len(pix)-off < stride*(h-1)+w*bpp {
		return planes{}, fmt.Errorf("%w: %s image buffer is shorter than its bounds", ErrUnsupportedInput, f)
	}
	return planes{format: f, full: true, w: w, h: h, ptr: [3]*byte{&pix[off]}, stride: [3]int{stride}}, nil
}

// yuvPlanes lends the three planes of m. Its samples are taken as video
// range and passed through (only resampled), whatever Go's JFIF model says:
// cameras deliver limited-range YUV in image.YCbCr.
func yuvPlanes(m *image.YCbCr) (planes, error) {
	r := m.Rect
	w, h := r.Dx(), r.Dy()
	var f astiav.PixelFormat
	cw, ch := w, h
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio420:
		f, cw, ch = astiav.PixelFormatYuv420P, (w+1)/2, (h+1)/2
	case image.YCbCrSubsampleRatio422:
		f, cw = astiav.PixelFormatYuv422P, (w+1)/2
	case image.YCbCrSubsampleRatio444:
		f = astiav.PixelFormatYuv444P
	case image.YCbCrSubsampleRatio440:
		f, ch = astiav.PixelFormatYuv440P, (h+1)/2
	case image.YCbCrSubsampleRatio411:
		f, cw = astiav.PixelFormatYuv411P, (w+3)/4
	case image.YCbCrSubsampleRatio410:
		f, cw, ch = astiav.PixelFormatYuv410P, (w+3)/4, (h+1)/2
	default:
		return planes{}, fmt.Errorf("%w: YCbCr subsampling %v", ErrUnsupportedInput, m.SubsampleRatio)
	}
	yo, co := m.YOffset(r.Min.X, r.Min.Y), m.COffset(r.Min.X, r.Min.Y)
	if m.YStride < w || m.CStride < cw || yo < 0 || co < 0 ||
		len(m.Y)-yo < m.YStride*(h-1)+w ||
		len(m.Cb)-co < m.CStride*(ch-1)+cw || len(m.Cr)-co < m.CStride*(ch-1)+cw {
		return planes{}, fmt.Errorf("%w: YCbCr image buffer is shorter than its bounds", ErrUnsupportedInput)
	}
	return planes{
		format: f, w: w, h: h,
		ptr:    [3]*byte{&m.Y[yo], &m.Cb[co], &m.Cr[co]},
		stride: [3]int{m.YStride, m.CStride, m.CStride},
	}, nil
}

func cptr(p *byte) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(p)) }

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// PreviewScaler shrinks frames to RGBA at a fixed preview size for the UI.
// YCbCr input is read as BT.709 video range, the way players will show the
// encoded stream. Scale must be called from one goroutine at a time; Close
// may be called from any goroutine, more than once.
type PreviewScaler struct {
	mu     sync.Mutex
	closed bool
	sws    *swscaler
	out    *image.RGBA
}

// NewPreviewScaler returns a scaler to w×h RGBA (each clamped to 1..8192).
func NewPreviewScaler(w, h int) *PreviewScaler {
	w, h = min(max(w, 1), MaxVideoSize), min(max(h, 1), MaxVideoSize)
	return &PreviewScaler{
		sws: newSwscaler(w, h, astiav.PixelFormatRgba, true),
		out: image.NewRGBA(image.Rect(0, 0, w, h)),
	}
}

// Scale converts img (any size) to the preview size. The returned image is
// the scaler's own buffer: it is overwritten by the next Scale, so copy it
// (or hand it to exactly one consumer that is done before then).
func (p *PreviewScaler) Scale(img image.Image) (*image.RGBA, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if err := p.sws.toPacked(img, p.out.Pix, p.out.Stride); err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	return p.out, nil
}

// Close frees the scaler. It is safe to call more than once.
func (p *PreviewScaler) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.sws.free()
}
