package capture

import (
	"image"
	"image/draw"
	"sync"
)

// imagePool recycles the images a device source copies frames into.
type imagePool struct {
	mu   sync.Mutex
	free []image.Image
}

// imagePoolSize is how many released images are kept for reuse.
const imagePoolSize = 4

// getYCbCr returns a 4:2:0 image of size w x h.
func (p *imagePool) getYCbCr(w, h int) *image.YCbCr {
	r := image.Rect(0, 0, w, h)
	if img, ok := p.take(func(img image.Image) bool {
		y, ok := img.(*image.YCbCr)
		return ok && y.Rect == r
	}); ok {
		return img.(*image.YCbCr)
	}
	return image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
}

// getRGBA returns an RGBA image of size w x h.
func (p *imagePool) getRGBA(w, h int) *image.RGBA {
	r := image.Rect(0, 0, w, h)
	if img, ok := p.take(func(img image.Image) bool {
		c, ok := img.(*image.RGBA)
		return ok && c.Rect == r
	}); ok {
		return img.(*image.RGBA)
	}
	return image.NewRGBA(r)
}

func (p *imagePool) take(match func(image.Image) bool) (image.Image, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, img := range p.free {
		if match(img) {
			p.free = append(p.free[:i], p.free[i+1:]...)
			return img, true
		}
	}
	return nil, false
}

// put returns an image to the pool.
func (p *imagePool) put(img image.Image) {
	p.mu.Lock()
	if len(p.free) < imagePoolSize {
		p.free = append(p.free, img)
	}
	p.mu.Unlock()
}

// copyFrame copies a driver's picture into a pooled image that stays valid
// after the driver reuses its buffers: YCbCr and Gray become YCbCr 4:2:0,
// everything else becomes RGBA.
func (p *imagePool) copyFrame(src image.Image) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	switch s := src.(type) {
	case *image.YCbCr:
		dst := p.getYCbCr(w, h)
		copyYCbCr420(dst, s)
		return dst
	case *image.Gray:
		dst := p.getYCbCr(w, h)
		for y := 0; y < h; y++ {
			copy(dst.Y[y*dst.YStride:y*dst.YStride+w], s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		fillPlane(dst.Cb, dst.CStride, chromaRect(dst.Rect), cNeutral)
		fillPlane(dst.Cr, dst.CStride, chromaRect(dst.Rect), cNeutral)
		return dst
	case *image.RGBA:
		dst := p.getRGBA(w, h)
		for y := 0; y < h; y++ {
			copy(dst.Pix[y*dst.Stride:y*dst.Stride+4*w], s.Pix[s.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		return dst
	default:
		dst := p.getRGBA(w, h)
		draw.Draw(dst, dst.Rect, src, b.Min, draw.Src)
		return dst
	}
}

// copyYCbCr420 copies src, of any subsampling, into dst, 4:2:0 of the same
// size. 4:2:2 chroma is averaged vertically; other layouts are sampled.
func copyYCbCr420(dst, src *image.YCbCr) {
	b := src.Rect
	w, h := b.Dx(), b.Dy()
	for y := 0; y < h; y++ {
		copy(dst.Y[y*dst.YStride:y*dst.YStride+w], src.Y[src.YOffset(b.Min.X, b.Min.Y+y):])
	}
	cw, ch := (w+1)/2, (h+1)/2
	switch {
	case src.SubsampleRatio == image.YCbCrSubsampleRatio420 && b.Min.X%2 == 0 && b.Min.Y%2 == 0:
		for cy := 0; cy < ch; cy++ {
			so := src.COffset(b.Min.X, b.Min.Y+2*cy)
			copy(dst.Cb[cy*dst.CStride:cy*dst.CStride+cw], src.Cb[so:])
			copy(dst.Cr[cy*dst.CStride:cy*dst.CStride+cw], src.Cr[so:])
		}
	case src.SubsampleRatio == image.YCbCrSubsampleRatio422 && b.Min.X%2 == 0:
		for cy := 0; cy < ch; cy++ {
			o0 := src.COffset(b.Min.X, b.Min.Y+2*cy)
			o1 := src.COffset(b.Min.X, b.Min.Y+min(2*cy+1, h-1))
			d := cy * dst.CStride
			average(dst.Cb[d:d+cw], src.Cb[o0:o0+cw], src.Cb[o1:o1+cw])
			average(dst.Cr[d:d+cw], src.Cr[o0:o0+cw], src.Cr[o1:o1+cw])
		}
	default:
		for cy := 0; cy < ch; cy++ {
			d := cy * dst.CStride
			for cx := 0; cx < cw; cx++ {
				o := src.COffset(b.Min.X+2*cx, b.Min.Y+2*cy)
				dst.Cb[d+cx], dst.Cr[d+cx] = src.Cb[o], src.Cr[o]
			}
		}
	}
}

// average sets dst[i] to the rounded mean of a[i] and b[i].
func average(dst, a, b []byte) {
	for i := range dst {
		dst[i] = byte((uint16(a[i]) + uint16(b[i]) + 1) >> 1)
	}
}
