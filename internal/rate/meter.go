// Package rate measures how fast something is counted (bytes sent,
// frames encoded) over a sliding window. It is the one rate meter of the
// studio: the server's stream rates, a destination's bitrate and the
// output frame rate all use it.
package rate

import (
	"sync"
	"time"
)

// Meter counts into equal time buckets and reports the rate over the last
// complete ones. It is safe for concurrent use; the zero value is not
// ready, use New.
type Meter struct {
	width time.Duration

	mu      sync.Mutex
	buckets []uint64
	cur     int64 // index (time / width) of the bucket being filled
	first   int64 // index of the first count; valid when started
	started bool
	total   uint64
}

// New returns a meter whose window is n buckets of width each: the rate
// covers the last n complete buckets, or fewer since the first count.
func New(width time.Duration, n int) *Meter {
	return &Meter{width: width, buckets: make([]uint64, n+1)}
}

// advanceLocked moves the current bucket to now's, clearing the ones
// passed over.
func (m *Meter) advanceLocked(now time.Time) {
	idx := now.UnixNano() / int64(m.width)
	if !m.started {
		m.cur = idx
		return
	}
	if idx-m.cur >= int64(len(m.buckets)) {
		clear(m.buckets)
		m.cur = idx
		return
	}
	for m.cur < idx {
		m.cur++
		m.buckets[m.cur%int64(len(m.buckets))] = 0
	}
}

// Add counts n at now.
func (m *Meter) Add(n uint64, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advanceLocked(now)
	if !m.started {
		m.started, m.first = true, m.cur
	}
	m.buckets[m.cur%int64(len(m.buckets))] += n
	m.total += n
}

// PerSecond returns the count per second over the last complete buckets
// (the one being filled is left out), 0 before a whole bucket has passed
// since the first count.
func (m *Meter) PerSecond(now time.Time) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.started {
		return 0
	}
	m.advanceLocked(now)
	n := min(m.cur-m.first, int64(len(m.buckets)-1))
	if n <= 0 {
		return 0
	}
	var sum uint64
	for i := int64(1); i <= n; i++ {
		sum += m.buckets[(m.cur-i)%int64(len(m.buckets))]
	}
	return float64(sum) / (float64(n) * m.width.Seconds())
}

// Total returns everything counted so far.
func (m *Meter) Total() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.total
}
