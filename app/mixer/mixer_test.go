package mixer

import (
	"encoding/binary"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// tone is a sine source on the clock's 10 ms grid, S16 stereo at 48 kHz.
type tone struct {
	freq, amp float64
	grid      *capture.FrameGrid
	buf       []byte
	done      chan struct{}
	once      sync.Once
}

func newTone(clock *capture.Clock, freq, amp float64) *tone {
	t := &tone{freq: freq, amp: amp, buf: make([]byte, 4*blockFrames), done: make(chan struct{})}
	t.grid = capture.NewFrameGrid(clock, 100, t.done).WithDelay(10 * time.Millisecond) // read when complete
	return t
}

func (t *tone) Read() (capture.AudioFrame, error) {
	n, at := t.grid.Due()
	if !t.grid.Wait(n, at) {
		return capture.AudioFrame{}, capture.ErrClosed
	}
	for s := 0; s < blockFrames; s++ {
		v := int16(t.amp * 32767 * math.Sin(2*math.Pi*t.freq*float64(n*blockFrames+int64(s))/Rate))
		binary.LittleEndian.PutUint16(t.buf[4*s:], uint16(v))
		binary.LittleEndian.PutUint16(t.buf[4*s+2:], uint16(v))
	}
	return capture.AudioFrame{Format: capture.S16, Rate: Rate, Channels: 2, Samples: blockFrames, Data: t.buf, Time: at}, nil
}

func (t *tone) Close() error {
	t.once.Do(func() { close(t.done) })
	return nil
}

// stalled never delivers, like a device that hangs.
type stalled struct {
	done chan struct{}
	once sync.Once
}

func (s *stalled) Read() (capture.AudioFrame, error) {
	<-s.done
	return capture.AudioFrame{}, capture.ErrClosed
}

func (s *stalled) Close() error {
	s.once.Do(func() { close(s.done) })
	return nil
}

// readLeft reads n buffers of the mix and returns their left channel.
func readLeft(t *testing.T, m *Mixer, n int) []float64 {
	t.Helper()
	var out []float64
	for i := 0; i < n; i++ {
		f, err := m.Read()
		if err != nil {
			t.Fatal(err)
		}
		for s := 0; s < f.Samples; s++ {
			out = append(out, float64(int16(binary.LittleEndian.Uint16(f.Data[4*s:])))/32768)
		}
	}
	return out
}

// amplitude is the amplitude of freq in x.
func amplitude(x []float64, freq float64) float64 { return testpeer.ToneAmplitude(x, freq, Rate) }

func TestMixerSumsInputsAndAStalledOneOnlyFallsSilent(t *testing.T) {
	clock := capture.NewClock()
	m := New(clock, 250*time.Millisecond, nil) // room for a busy machine
	defer m.Close()
	for name, src := range map[string]capture.AudioSource{
		"a": newTone(clock, 1000, 0.25), "b": newTone(clock, 440, 0.2), "hung": &stalled{done: make(chan struct{})},
	} {
		if err := m.Add(name, src); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Add("a", &stalled{done: make(chan struct{})}); err == nil {
		t.Error("a second source called a was added")
	}
	x := readLeft(t, m, 40)[20*blockFrames:] // the last 200 ms
	if a := amplitude(x, 1000); math.Abs(a-0.25) > 0.02 {
		t.Errorf("1 kHz at %.3f in the mix, want 0.25", a)
	}
	if a := amplitude(x, 440); math.Abs(a-0.2) > 0.02 {
		t.Errorf("440 Hz at %.3f in the mix, want 0.2", a)
	}
	if err := m.SetMuted("a", true); err != nil {
		t.Fatal(err)
	}
	if err := m.SetGain("b", -6.0206); err != nil { // half
		t.Fatal(err)
	}
	x = readLeft(t, m, 40)[20*blockFrames:]
	if a := amplitude(x, 1000); a > 0.01 {
		t.Errorf("muted 1 kHz at %.3f in the mix, want silence", a)
	}
	if a := amplitude(x, 440); math.Abs(a-0.1) > 0.015 {
		t.Errorf("440 Hz at -6 dB is %.3f in the mix, want 0.1", a)
	}
	levels := m.Levels()
	if len(levels) != 3 || levels[0].Name == "" {
		t.Fatalf("levels = %+v, want three sources", levels)
	}
	for _, l := range levels {
		if l.Name == "b" && (len(l.Levels.Peak) != 2 || math.Abs(l.Levels.Peak[0]-(-20)) > 1) {
			t.Errorf("b's meter peaks at %v dBFS, want -20 (0.1)", l.Levels.Peak)
		}
	}
	if !m.Remove("hung") || m.Remove("hung") {
		t.Error("Remove did not remove the source exactly once")
	}
}

func TestMixerLimitsTheSum(t *testing.T) {
	clock := capture.NewClock()
	m := New(clock, 250*time.Millisecond, nil) // room for a busy machine
	defer m.Close()
	for _, name := range []string{"x", "y"} {
		if err := m.Add(name, newTone(clock, 500, 0.8)); err != nil {
			t.Fatal(err)
		}
	}
	x := readLeft(t, m, 30)
	peak := 0.0
	for _, v := range x {
		peak = math.Max(peak, math.Abs(v))
	}
	if peak > Ceiling+1.0/32768 {
		t.Errorf("the sum of two 0.8 tones peaks at %.4f, over the limiter's ceiling %.4f", peak, Ceiling)
	}
	if a := amplitude(x[15*blockFrames:], 500); a < 0.8 {
		t.Errorf("the limited tone is at %.3f, want near the ceiling", a)
	}
}
