package rtmptest

import (
	"sync"
	"time"
)

// StallMeter measures how long this process was kept from running: a
// goroutine that asks to wake every 5 ms records by how much it woke late.
// A test of delivery gaps allows that much on top of its bound, so that a
// machine busy with other work (CI shares two cores with encoders) does
// not fail it, while a stall of the code under test still does.
type StallMeter struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	max  time.Duration
}

// StartStallMeter starts measuring; Stop ends it and returns the largest
// lateness seen.
func StartStallMeter() *StallMeter {
	m := &StallMeter{stop: make(chan struct{}), done: make(chan struct{})}
	go m.run()
	return m
}

func (m *StallMeter) run() {
	defer close(m.done)
	const tick = 5 * time.Millisecond
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-m.stop:
			return
		case now := <-t.C:
			if late := time.Since(last) - tick; late > 0 {
				m.mu.Lock()
				m.max = max(m.max, late)
				m.mu.Unlock()
			}
			last = now
		}
	}
}

// Max returns the largest lateness so far.
func (m *StallMeter) Max() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.max
}

// Stop ends the measurement and returns the largest lateness seen.
func (m *StallMeter) Stop() time.Duration {
	close(m.stop)
	<-m.done
	return m.Max()
}
