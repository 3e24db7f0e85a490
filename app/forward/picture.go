package forward

import (
	"image"
	"sync"
	"sync/atomic"
)

// sharedPicture is a decoded picture copied out of the decoder for the
// re-encoding outputs, which only read it; the last to be done with it
// gives it back to its pool.
type sharedPicture struct {
	img  image.YCbCr
	refs atomic.Int32
	pool *picturePool
}

// release gives up one output's hold on the picture.
func (p *sharedPicture) release() {
	if p.refs.Add(-1) == 0 {
		p.pool.p.Put(p)
	}
}

// picturePool keeps the pictures' buffers: a 1080p source re-encoded would
// otherwise allocate 3 MB thirty times a second.
type picturePool struct{ p sync.Pool }

// copyOf returns a copy of m with no holder yet.
func (pp *picturePool) copyOf(m *image.YCbCr) *sharedPicture {
	p, _ := pp.p.Get().(*sharedPicture)
	if p == nil {
		p = &sharedPicture{pool: pp}
	}
	c := *m
	c.Y, c.Cb, c.Cr = append(p.img.Y[:0], m.Y...), append(p.img.Cb[:0], m.Cb...), append(p.img.Cr[:0], m.Cr...)
	p.img = c
	return p
}
