package capture

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// testPattern is the built-in video source: colour bars with a moving box,
// the stream time and the frame number, and a white flash on every second.
//
// Frames sit on a grid aligned to the clock's zero: frame n has Time
// n*time.Second/fps, and Read returns it when the clock reaches that time.
// A reader that falls behind gets the newest due frame, never a burst.
type testPattern struct {
	fps    int64
	clock  *Clock
	log    *slog.Logger
	r      *patternRenderer
	pace   *pacer
	next   int64 // lowest frame index Read may return next
	skips  int64
	chDone chan struct{}
	closer sync.Once
}

func newTestPattern(c VideoConstraints, clock *Clock, log *slog.Logger) *testPattern {
	done := make(chan struct{})
	p := &testPattern{
		fps:    int64(c.FPS),
		clock:  clock,
		log:    log,
		r:      newPatternRenderer(c.Width, c.Height, c.FPS),
		pace:   newPacer(clock, done),
		chDone: done,
	}
	p.next = gridCeil(clock.Now(), p.fps)
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
	n := p.next
	if due := gridFloor(p.clock.Now(), p.fps); due > n && gridTime(due, p.fps)-gridTime(n, p.fps) > patternBacklog {
		p.skips += due - n
		p.log.Debug("test pattern reader is late; skipping ahead", "frames", due-n, "total", p.skips)
		n = due
	}
	t := gridTime(n, p.fps)
	pi := p.r.render(n, t)
	if !p.pace.until(t) {
		p.r.put(pi)
		return VideoFrame{}, ErrClosed
	}
	p.next = n + 1
	var released atomic.Bool
	return VideoFrame{Image: pi.img, Time: t, release: func() {
		if released.CompareAndSwap(false, true) {
			p.r.put(pi)
		}
	}}, nil
}

// patternBacklog is how late a reader may be and still get every frame (it
// catches up at once, frame by frame, like a camera's driver queue). Past
// that it gets the newest due frame instead of a burst of stale ones.
const patternBacklog = 100 * time.Millisecond

// Close unblocks Read. It is safe to call twice.
func (p *testPattern) Close() error {
	p.closer.Do(func() {
		close(p.chDone)
		p.log.Debug("test pattern closed", "skipped", p.skips)
	})
	return nil
}
