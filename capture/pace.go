package capture

import "time"

// pacer puts a reader to sleep until a point on the shared clock. One
// reader goroutine owns it; Close only closes done.
type pacer struct {
	clock  *Clock
	chDone <-chan struct{}
	timer  *time.Timer
}

func newPacer(clock *Clock, done <-chan struct{}) *pacer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &pacer{clock: clock, chDone: done, timer: t}
}

// until blocks until the clock reaches at. It reports false when done
// closed first.
func (p *pacer) until(at time.Duration) bool {
	for {
		select {
		case <-p.chDone:
			return false
		default:
		}
		wait := at - p.clock.Now()
		if wait <= 0 {
			return true
		}
		p.timer.Reset(wait)
		select {
		case <-p.chDone:
			p.timer.Stop()
			return false
		case <-p.timer.C:
		}
	}
}

// gridTime is the time of point n on a grid of rate points per second
// aligned to the clock's zero: n*time.Second/rate in integer math, exact
// whenever n*1e9 is a multiple of rate.
func gridTime(n, rate int64) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(rate)
}

// gridFloor returns the last grid point at or before t.
func gridFloor(t time.Duration, rate int64) int64 {
	if t < 0 {
		return -1
	}
	sec := int64(t / time.Second)
	rem := int64(t % time.Second)
	n := sec*rate + rem*rate/int64(time.Second)
	for gridTime(n+1, rate) <= t {
		n++
	}
	for n > 0 && gridTime(n, rate) > t {
		n--
	}
	return n
}

// gridCeil returns the first grid point at or after t.
func gridCeil(t time.Duration, rate int64) int64 {
	n := gridFloor(t, rate)
	if n < 0 {
		return 0
	}
	if gridTime(n, rate) < t {
		n++
	}
	return n
}

// Clock is the one monotonic clock that stamps audio and video alike.
// Its zero is the moment it was created.
type Clock struct{ epoch time.Time }

// NewClock starts a clock at zero now.
func NewClock() *Clock { return &Clock{epoch: time.Now()} }

// Now returns the time since the clock started (monotonic).
func (c *Clock) Now() time.Duration { return time.Since(c.epoch) }

// Epoch returns the wall-clock instant of the clock's zero.
func (c *Clock) Epoch() time.Time { return c.epoch }
