package program

import (
	"image"
	"sync"
)

// FrameMailbox holds the latest preview picture. A producer puts frames in
// without ever waiting for the reader; the reader copies out the newest one
// when it is ready to draw, and frames it did not take are simply replaced.
type FrameMailbox struct {
	mu   sync.Mutex
	img  *image.RGBA
	seq  uint64
	size image.Point
}

// NewFrameMailbox returns a mailbox for w×h pictures.
func NewFrameMailbox(w, h int) *FrameMailbox {
	return &FrameMailbox{img: image.NewRGBA(image.Rect(0, 0, w, h)), size: image.Pt(w, h)}
}

// Size returns the picture size.
func (m *FrameMailbox) Size() image.Point { return m.size }

// Put copies src (which must be the mailbox's size) in as the newest frame.
func (m *FrameMailbox) Put(src *image.RGBA) {
	if src.Rect.Size() != m.size {
		return
	}
	m.mu.Lock()
	copy(m.img.Pix, src.Pix)
	m.seq++
	m.mu.Unlock()
}

// CopyTo copies the newest frame into dst when it is newer than seen and
// returns its sequence number (0 when no frame has arrived yet). dst must be
// the mailbox's size.
func (m *FrameMailbox) CopyTo(dst *image.RGBA, seen uint64) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seq != seen && dst.Rect.Size() == m.size {
		copy(dst.Pix, m.img.Pix)
	}
	return m.seq
}

// Seq returns the sequence number of the newest frame.
func (m *FrameMailbox) Seq() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seq
}
