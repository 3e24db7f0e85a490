package compose

import (
	"fmt"
	"image"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
)

// MaxFade bounds a fade's length.
const MaxFade = 10 * time.Second

// composeSlack is how long after a frame's time Read composes it (at most
// a third of a frame).
const composeSlack = 10 * time.Millisecond

// fadeState is a fade in progress: the leaving scene, drawn by its own
// compositor into its own picture, blended under the current one.
type fadeState struct {
	from    *run
	comp    *encode.Compositor // the leaving scene's; kept for the next fade
	pic     *image.YCbCr
	start   time.Duration // frame time the fade began
	length  time.Duration
	running bool
}

func (f *fadeState) free() {
	if f.comp != nil {
		f.comp.Close()
		f.comp = nil
	}
	f.running = false
}

// Read waits for the next frame on the grid and composes it. The frame's
// picture is the source's own until Release.
//
// It composes a little after the frame's time (composeSlack), so that
// sources on the same grid, such as the test pattern, have delivered
// their frame for that time: the scene shows it in the same frame, and the
// pattern's flash stays with the tone's beep.
func (s *Source) Read() (capture.VideoFrame, error) {
	n, at := s.grid.Due()
	if !s.grid.Wait(n, at) {
		return capture.VideoFrame{}, capture.ErrClosed
	}
	r, err := s.takeSwitch(at)
	if err != nil {
		return capture.VideoFrame{}, err
	}
	s.waitForDueFrames(r, at)
	out := s.picture()
	s.compMu.Lock()
	err = s.draw(r, at, out)
	s.compMu.Unlock()
	if err != nil {
		return capture.VideoFrame{}, fmt.Errorf("composing scene %q: %w", r.scene.Name, err)
	}
	return capture.NewVideoFrame(out, at, func() {
		select {
		case s.pool <- out:
		default:
		}
	}), nil
}

// waitForDueFrames gives live sources that owe a frame by time at up to
// half a frame past at to deliver it (see feed.waitDue).
func (s *Source) waitForDueFrames(r *run, at time.Duration) {
	period := time.Second / time.Duration(s.cfg.FPS)
	deadline := at + period/2
	for _, f := range r.live {
		f.waitDue(at, period, deadline)
	}
}

// takeSwitch makes a pending scene current at frame time at (starting its
// fade), ends a fade that is over, and returns the run to draw.
func (s *Source) takeSwitch(at time.Duration) (*run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, capture.ErrClosed
	}
	s.compMu.Lock()
	defer s.compMu.Unlock()
	if s.comp == nil {
		return nil, capture.ErrClosed
	}
	f := &s.fade
	if f.running && at-f.start >= f.length {
		f.running, f.from, s.leaving = false, nil, nil
		s.retireUnused()
	}
	if s.pending == nil {
		return s.cur, nil
	}
	old, fade := s.cur, s.pendingFade
	s.cur, s.pending = s.pending, nil
	if fade > 0 {
		if f.comp == nil {
			c, err := encode.NewCompositor(s.cfg.Width, s.cfg.Height, s.cfg.FPS)
			if err != nil {
				return nil, err
			}
			f.comp = c
		}
		// The leaving scene keeps its compositor (and graph): the new
		// scene takes the spare one.
		s.comp, f.comp = f.comp, s.comp
		f.from, f.start, f.length, f.running = old, at, fade, true
		s.leaving = old
	} else {
		f.running, f.from, s.leaving = false, nil, nil
	}
	s.comp.SetLayers(s.cur.places())
	s.retireUnused()
	return s.cur, nil
}

// draw composes r into out and, during a fade, blends the leaving scene
// under it. s.compMu is held.
func (s *Source) draw(r *run, at time.Duration, out *image.YCbCr) error {
	if s.comp == nil {
		return capture.ErrClosed
	}
	if err := s.compose(s.comp, r, out); err != nil {
		return err
	}
	f := &s.fade
	if !f.running {
		return nil
	}
	if f.pic == nil {
		f.pic = image.NewYCbCr(out.Rect, image.YCbCrSubsampleRatio420)
	}
	if err := s.compose(f.comp, f.from, f.pic); err != nil {
		return err
	}
	// The first frame of a fade shows the new scene at 1/(frames+1), the
	// last one before the end at frames/(frames+1): every frame differs.
	k := float64(at-f.start+time.Second/time.Duration(s.cfg.FPS)) / float64(f.length+time.Second/time.Duration(s.cfg.FPS))
	blend(out, f.pic, min(max(k, 0), 1))
	return nil
}

// compose gathers every layer's picture, with the live feeds locked while
// their pixels are read, and composes them into out with c.
func (s *Source) compose(c *encode.Compositor, r *run, out *image.YCbCr) error {
	now := s.cfg.Clock.Now()
	pics := r.pics
	for _, f := range r.live {
		f.mu.Lock()
	}
	defer func() {
		for _, f := range r.live {
			f.mu.Unlock()
		}
	}()
	for i, l := range r.layers {
		pics[i] = nil
		switch {
		case l.spec.Hidden:
		case l.static != nil:
			pics[i] = l.static
		case l.feed != nil:
			pics[i] = cropLive(l.feed.picture(now, s.cfg.HoldFor), l.spec.Crop)
		}
	}
	return c.Compose(pics, out)
}

// blend sets dst to dst·k + under·(1−k), sample by sample.
func blend(dst, under *image.YCbCr, k float64) {
	w := uint32(k*256 + 0.5)
	mix := func(d, u []byte) {
		for i := range d {
			d[i] = byte((uint32(d[i])*w + uint32(u[i])*(256-w) + 128) >> 8)
		}
	}
	mix(dst.Y, under.Y)
	mix(dst.Cb, under.Cb)
	mix(dst.Cr, under.Cr)
}
