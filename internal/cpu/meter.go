// Package cpu measures this process's CPU use.
package cpu

import (
	"sync"
	"time"
)

// Meter measures this process's CPU use, in percent of one core, from
// the difference of two samples.
type Meter struct {
	mu      sync.Mutex
	lastCPU time.Duration
	lastAt  time.Time
	pct     float64
}

// Sample takes a reading at now; the percentage covers the time since the
// reading before.
func (m *Meter) Sample(now time.Time) {
	cpu, ok := processCPU()
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.lastAt.IsZero() {
		if dt := now.Sub(m.lastAt); dt > 0 {
			m.pct = 100 * float64(cpu-m.lastCPU) / float64(dt)
		}
	}
	m.lastCPU, m.lastAt = cpu, now
}

// Percent is the CPU use between the last two samples, in percent of one core.
func (m *Meter) Percent() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pct
}
