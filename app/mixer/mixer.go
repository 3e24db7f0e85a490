// Package mixer sums several audio sources (microphones, the test tone, a
// desktop monitor source, the audio of an incoming stream) into one at
// 48 kHz stereo, each with its own gain, mute and meter, through a peak
// limiter. The mix runs on the capture clock: an input's samples land at
// the times it captured them, so the mix stays with the video, and an
// input that stalls or ends only falls silent. A Mixer is a
// capture.AudioSource, so the program encodes a mix as it encodes a
// microphone.
package mixer

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
)

// Rate is the mix's sample rate; inputs must deliver it (capture's sources
// do, when asked).
const Rate = 48000

// blockFrames is the mix's buffer: 10 ms.
const blockFrames = Rate / 100

// DefaultLatency is how long after a buffer's end the mix waits for its
// inputs' samples of that time before it sums them.
const DefaultLatency = 60 * time.Millisecond

// Mixer sums its inputs. Read is called from one goroutine; the other
// methods from any.
type Mixer struct {
	clock   *capture.Clock
	log     *slog.Logger
	latency time.Duration
	grid    *capture.FrameGrid // Read's: one point per buffer

	mu     sync.Mutex
	inputs []*input
	closed bool

	acc  []float32 // Read's
	out  []byte    // Read's, lent to the caller until the next Read
	lim  limiter
	done chan struct{}
	once sync.Once
}

// New starts an empty mix (silence) on clock; latency 0 is DefaultLatency.
func New(clock *capture.Clock, latency time.Duration, log *slog.Logger) *Mixer {
	if latency <= 0 {
		latency = DefaultLatency
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Mixer{clock: clock, log: log, latency: latency, done: make(chan struct{}),
		acc: make([]float32, 2*blockFrames), out: make([]byte, 4*blockFrames)}
	// A buffer is summed once it is complete and its latency has passed.
	m.grid = capture.NewFrameGrid(clock, Rate/blockFrames, m.done).WithDelay(10*time.Millisecond + latency)
	m.lim.init()
	return m
}

// Add mixes src in under name, from its next buffer on; the mix owns src
// and closes it on Remove or Close.
func (m *Mixer) Add(name string, src capture.AudioSource) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		src.Close()
		return capture.ErrClosed
	}
	for _, in := range m.inputs {
		if in.name == name {
			src.Close()
			return fmt.Errorf("the mix already has a source called %q", name)
		}
	}
	m.inputs = append(m.inputs, newInput(name, src, m.log))
	return nil
}

// Remove takes the source called name out of the mix and closes it.
func (m *Mixer) Remove(name string) bool {
	m.mu.Lock()
	var gone *input
	for i, in := range m.inputs {
		if in.name == name {
			gone = in
			m.inputs = append(m.inputs[:i:i], m.inputs[i+1:]...)
			break
		}
	}
	m.mu.Unlock()
	if gone != nil {
		gone.close()
	}
	return gone != nil
}

func (m *Mixer) find(name string) *input {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, in := range m.inputs {
		if in.name == name {
			return in
		}
	}
	return nil
}

// SetGain sets a source's gain in dB (clamped to −60…+20).
func (m *Mixer) SetGain(name string, db float64) error {
	in := m.find(name)
	if in == nil {
		return fmt.Errorf("the mix has no source called %q", name)
	}
	in.gain.Store(math.Float64bits(capture.DBToGain(min(max(db, -60), 20))))
	return nil
}

// SetMuted mutes or unmutes a source.
func (m *Mixer) SetMuted(name string, muted bool) error {
	in := m.find(name)
	if in == nil {
		return fmt.Errorf("the mix has no source called %q", name)
	}
	in.muted.Store(muted)
	return nil
}

// InputLevels is one source's meter, after its gain and mute, and its
// controls.
type InputLevels struct {
	Name   string
	Levels capture.Levels
	GainDB float64
	Muted  bool
	// Err is why the source stopped, or "".
	Err string
}

// Levels returns every source's meter, in the order they were added.
func (m *Mixer) Levels() []InputLevels {
	m.mu.Lock()
	ins := append([]*input(nil), m.inputs...)
	m.mu.Unlock()
	out := make([]InputLevels, len(ins))
	for i, in := range ins {
		in.mu.Lock()
		out[i] = InputLevels{Name: in.name, Err: in.errText, GainDB: gainDB(math.Float64frombits(in.gain.Load())), Muted: in.muted.Load(), Levels: capture.Levels{
			Peak: append([]float64(nil), in.levels.Peak...), RMS: append([]float64(nil), in.levels.RMS...), Clipped: in.levels.Clipped}}
		in.mu.Unlock()
	}
	return out
}

// gainDB is a linear gain in dB, rounded to 0.1 dB.
func gainDB(g float64) float64 {
	if g <= 0 {
		return -60
	}
	return math.Round(200*math.Log10(g)) / 10
}

// Read returns the next 10 ms of the mix, S16 stereo at 48 kHz, once its
// time plus the latency has passed. Data is valid until the next Read.
func (m *Mixer) Read() (capture.AudioFrame, error) {
	n, at := m.grid.Due()
	if !m.grid.Wait(n, at) {
		return capture.AudioFrame{}, capture.ErrClosed
	}
	clear(m.acc)
	m.mu.Lock()
	ins := append([]*input(nil), m.inputs...)
	m.mu.Unlock()
	start := sampleIndex(at)
	for _, in := range ins {
		in.addTo(m.acc, start)
	}
	m.lim.apply(m.acc)
	for i, v := range m.acc {
		s := int32(math.Round(float64(v) * 32767))
		binary.LittleEndian.PutUint16(m.out[2*i:], uint16(int16(min(max(s, -32768), 32767))))
	}
	return capture.AudioFrame{Format: capture.S16, Rate: Rate, Channels: 2, Samples: blockFrames, Data: m.out, Time: at}, nil
}

// Close stops Read and closes every source. It is safe to call twice.
func (m *Mixer) Close() error {
	m.once.Do(func() {
		close(m.done)
		m.mu.Lock()
		m.closed = true
		ins := m.inputs
		m.inputs = nil
		m.mu.Unlock()
		for _, in := range ins {
			in.close()
		}
	})
	return nil
}

// limiter keeps the sum under its ceiling: the gain drops at once to what
// a sample needs and recovers with a 50 ms release.
type limiter struct {
	gain    float64
	release float64 // per-sample recovery toward 1
}

// Ceiling is the limiter's highest output level: −1 dBFS.
var Ceiling = math.Pow(10, -1.0/20)

func (l *limiter) init() {
	l.gain = 1
	l.release = 1 - math.Exp(-1/(0.050*Rate))
}

// apply limits interleaved stereo samples in place.
func (l *limiter) apply(buf []float32) {
	for i := 0; i+1 < len(buf); i += 2 {
		peak := math.Max(math.Abs(float64(buf[i])), math.Abs(float64(buf[i+1])))
		l.gain += (1 - l.gain) * l.release
		if peak*l.gain > Ceiling {
			l.gain = Ceiling / peak
		}
		buf[i] *= float32(l.gain)
		buf[i+1] *= float32(l.gain)
	}
}
