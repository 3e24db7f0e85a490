package program

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

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
	// Peak hold: per channel, the highest peak of the last peakHold of
	// audio, and the capture time it was measured at.
	held   []float64
	heldAt []time.Duration
}

// peakHold is how long the meter's peak stays at the highest level it saw.
// It is longer than the test tone's one-second period, so the meter shows
// that sound is flowing between its 100 ms beeps (the beep stays for the
// A/V sync test); a real peak falls back after it.
const peakHold = 1500 * time.Millisecond

// apply scales (or silences) f in place and measures the result. The
// reported peak holds for peakHold of audio time; RMS is the buffer's own.
// Muting or silencing drops the hold at once.
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
	if len(m.held) != len(m.work.Peak) {
		m.held, m.heldAt = make([]float64, len(m.work.Peak)), make([]time.Duration, len(m.work.Peak))
		for i := range m.held {
			m.held[i] = capture.MinDB
		}
	}
	for i, p := range m.work.Peak {
		if g == 0 || p >= m.held[i] || f.Time-m.heldAt[i] > peakHold || f.Time < m.heldAt[i] {
			m.held[i], m.heldAt[i] = p, f.Time
		}
	}
	m.levels.Peak = append(m.levels.Peak[:0], m.held...)
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
