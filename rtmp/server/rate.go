package server

import (
	"sync"
	"time"
)

// rateWindow is how many whole seconds a rateMeter averages over.
const rateWindow = 5

// rateMeter measures a byte rate over the last few whole seconds. It is
// safe for concurrent use.
type rateMeter struct {
	mu      sync.Mutex
	buckets [rateWindow + 1]uint64
	second  int64 // unix second of buckets[second%len]
	first   int64 // unix second of the first byte
	total   uint64
}

func (m *rateMeter) advanceLocked(sec int64) {
	if m.second == 0 {
		m.second, m.first = sec, sec
		return
	}
	for m.second < sec {
		m.second++
		m.buckets[m.second%int64(len(m.buckets))] = 0
		if sec-m.second > int64(len(m.buckets)) {
			m.second = sec
			clear(m.buckets[:])
		}
	}
}

// add counts n bytes at now.
func (m *rateMeter) add(n int, now time.Time) {
	m.mu.Lock()
	m.advanceLocked(now.Unix())
	m.buckets[m.second%int64(len(m.buckets))] += uint64(n)
	m.total += uint64(n)
	m.mu.Unlock()
}

// bitsPerSecond returns the average over the last rateWindow whole seconds
// (the current, partial second excluded).
func (m *rateMeter) bitsPerSecond(now time.Time) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advanceLocked(now.Unix())
	var sum uint64
	for i := int64(1); i <= rateWindow; i++ {
		sum += m.buckets[(m.second-i+int64(len(m.buckets)))%int64(len(m.buckets))]
	}
	secs := min(m.second-m.first, rateWindow)
	if secs <= 0 {
		return 0
	}
	return float64(sum) * 8 / float64(secs)
}

// bytes returns the bytes counted so far.
func (m *rateMeter) bytes() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.total
}
