package encode

import (
	"fmt"
	"image"
	"sync"

	"github.com/asticode/go-astiav"
)

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
