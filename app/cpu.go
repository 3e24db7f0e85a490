package app

import (
	"sync"
	"time"
)

// cpuMeter measures this process's CPU use, in percent of one core, from
// the difference of two samples.
type cpuMeter struct {
	mu      sync.Mutex
	lastCPU time.Duration
	lastAt  time.Time
	pct     float64
}

func (m *cpuMeter) sample(now time.Time) {
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

func (m *cpuMeter) percent() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pct
}
