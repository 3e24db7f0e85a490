package capture

import (
	"log/slog"
	"sync"
	"sync/atomic"
)

// testPattern is the built-in video source: colour bars with a moving box,
// the stream time and the frame number, and a white flash on every second.
//
// Frames sit on a grid aligned to the clock's zero: frame n has Time
// n*time.Second/fps, and Read returns it when the clock reaches that time.
// A reader that falls behind gets the newest due frame, never a burst.
type testPattern struct {
	log    *slog.Logger
	r      *patternRenderer
	grid   *FrameGrid
	chDone chan struct{}
	closer sync.Once
}

func newTestPattern(c VideoConstraints, clock *Clock, log *slog.Logger) *testPattern {
	done := make(chan struct{})
	p := &testPattern{
		log:    log,
		r:      newPatternRenderer(c.Width, c.Height, c.FPS),
		grid:   NewFrameGrid(clock, c.FPS, done),
		chDone: done,
	}
	log.Debug("test pattern opened", "width", c.Width, "height", c.Height, "fps", c.FPS)
	return p
}

// Read waits for the next frame on the grid and returns it.
func (p *testPattern) Read() (VideoFrame, error) {
	select {
	case <-p.chDone:
		return VideoFrame{}, ErrClosed
	default:
	}
	n, t := p.grid.Due()
	pi := p.r.render(n, t)
	if !p.grid.Wait(n, t) {
		p.r.put(pi)
		return VideoFrame{}, ErrClosed
	}
	var released atomic.Bool
	return VideoFrame{Image: pi.img, Time: t, release: func() {
		if released.CompareAndSwap(false, true) {
			p.r.put(pi)
		}
	}}, nil
}

// Close unblocks Read. It is safe to call twice.
func (p *testPattern) Close() error {
	p.closer.Do(func() {
		close(p.chDone)
		p.log.Debug("test pattern closed", "skipped", p.grid.Skipped())
	})
	return nil
}
