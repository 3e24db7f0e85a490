package capture

import "time"

// Clock is the one monotonic clock that stamps audio and video alike.
// Its zero is the moment it was created.
type Clock struct{ epoch time.Time }

// NewClock starts a clock at zero now.
func NewClock() *Clock { return &Clock{epoch: time.Now()} }

// Now returns the time since the clock started (monotonic).
func (c *Clock) Now() time.Duration { return time.Since(c.epoch) }

// Epoch returns the wall-clock instant of the clock's zero.
func (c *Clock) Epoch() time.Time { return c.epoch }
