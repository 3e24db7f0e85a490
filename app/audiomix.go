package app

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/seed7c1a73c4/onair/capture"
)

// audioMix is the program's audio control: gain, mute and the level meter.
// The audio loop applies it to every buffer; the UI sets it from any
// goroutine.
type audioMix struct {
	gain   atomicFloat // linear
	muted  atomic.Bool
	silent atomic.Bool // the source is "none": a silent track

	mu     sync.Mutex
	levels capture.Levels
	work   capture.Levels
}

// apply scales (or silences) f in place and measures the result.
func (m *audioMix) apply(f *capture.AudioFrame) {
	g := m.gain.Load()
	if m.muted.Load() || m.silent.Load() {
		g = 0
	}
	if g != 1 {
		capture.ApplyGain(f, g)
	}
	capture.MeasureLevels(*f, &m.work)
	m.mu.Lock()
	m.levels.Peak = append(m.levels.Peak[:0], m.work.Peak...)
	m.levels.RMS = append(m.levels.RMS[:0], m.work.RMS...)
	m.levels.Clipped = m.work.Clipped
	m.mu.Unlock()
}

// snapshot returns a copy of the latest levels.
func (m *audioMix) snapshot() capture.Levels {
	m.mu.Lock()
	defer m.mu.Unlock()
	return capture.Levels{
		Peak:    append([]float64(nil), m.levels.Peak...),
		RMS:     append([]float64(nil), m.levels.RMS...),
		Clipped: m.levels.Clipped,
	}
}

// atomicFloat is a float64 read and written atomically.
type atomicFloat struct{ bits atomic.Uint64 }

func (a *atomicFloat) Load() float64   { return math.Float64frombits(a.bits.Load()) }
func (a *atomicFloat) Store(v float64) { a.bits.Store(math.Float64bits(v)) }

// SetGain sets the program audio gain in dB (clamped to −30…+20).
func (p *Program) SetGain(db float64) {
	db = min(max(db, -30), 20)
	p.mix.gain.Store(capture.DBToGain(db))
}

// SetMuted mutes or unmutes the program audio.
func (p *Program) SetMuted(m bool) { p.mix.muted.Store(m) }

// Levels returns the program audio levels after gain and mute.
func (p *Program) Levels() capture.Levels { return p.mix.snapshot() }
