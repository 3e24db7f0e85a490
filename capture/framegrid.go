package capture

import "time"

// FrameGrid paces a video reader that makes its own frames (the test
// pattern, a clip, a composed scene) on a grid of fps frames a second
// aligned to the clock's zero: frame n is due at n*time.Second/fps. A
// reader that falls more than a tenth of a second behind skips ahead to
// the newest due frame instead of making a burst of stale ones. One reader
// goroutine owns a FrameGrid; closing done wakes its Wait.
type FrameGrid struct {
	fps   int64
	clock *Clock
	pace  *pacer
	next  int64 // lowest frame index the reader may make next
	skips int64
	delay time.Duration
}

// WithDelay makes Wait return d after each frame's time, for a reader that
// gathers other sources' frames for that time (a scene, a mix): it is not
// counted as late for that delay. It returns g.
func (g *FrameGrid) WithDelay(d time.Duration) *FrameGrid {
	g.delay = d
	return g
}

// NewFrameGrid starts a grid at the first frame due from now.
func NewFrameGrid(clock *Clock, fps int, done <-chan struct{}) *FrameGrid {
	g := &FrameGrid{fps: int64(fps), clock: clock, pace: newPacer(clock, done)}
	g.next = gridCeil(clock.Now(), g.fps)
	return g
}

// frameBacklog is how late a reader may be and still get every frame (it
// catches up at once, frame by frame, like a camera's driver queue).
const frameBacklog = 100 * time.Millisecond

// Due returns the frame to make next and its time.
func (g *FrameGrid) Due() (n int64, at time.Duration) {
	n = g.next
	if due := gridFloor(g.clock.Now()-g.delay, g.fps); due > n && gridTime(due, g.fps)-gridTime(n, g.fps) > frameBacklog {
		g.skips += due - n
		n = due
	}
	return n, gridTime(n, g.fps)
}

// Wait blocks until the clock reaches at, the time of frame n from Due,
// plus the grid's delay, and moves the grid past n. It reports false when
// done closed first.
func (g *FrameGrid) Wait(n int64, at time.Duration) bool {
	if !g.pace.until(at + g.delay) {
		return false
	}
	g.next = n + 1
	return true
}

// Skipped returns how many frames the reader skipped by being late.
func (g *FrameGrid) Skipped() int64 { return g.skips }
