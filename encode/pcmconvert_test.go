package encode

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// sineS16 is n samples of a mono sine at rate, from sample start on.
func sineS16(freq, amp float64, rate, start, n int) []byte {
	b := make([]byte, 2*n)
	for i := range n {
		v := int16(amp * 32767 * math.Sin(2*math.Pi*freq*float64(start+i)/float64(rate)))
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func TestPCMConverterResamplesAndKeepsTime(t *testing.T) {
	c, err := NewPCMConverter(48000, 1) // mono stays mono: the mix spreads it at full level
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var left []float64
	var times []time.Duration
	emit := func(f capture.AudioFrame) {
		if f.Rate != 48000 || f.Channels != 1 || f.Format != capture.F32 {
			t.Fatalf("converted to %d Hz %d ch format %d", f.Rate, f.Channels, f.Format)
		}
		times = append(times, f.Time)
		for i := range f.Samples {
			left = append(left, float64(math.Float32frombits(binary.LittleEndian.Uint32(f.Data[4*i:]))))
		}
	}
	const in = 44100
	start := 5 * time.Second
	for k := 0; k < 43; k++ { // about 1 s of 44.1 kHz mono in 1024-sample buffers
		f := capture.AudioFrame{Format: capture.S16, Rate: in, Channels: 1, Samples: 1024, Data: sineS16(440, 0.5, in, k*1024, 1024),
			Time: start + time.Duration(k*1024)*time.Second/in}
		if err := c.Convert(f, emit); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(left); got < 46000 || got > 48000 {
		t.Errorf("%d samples out of 1 s at 44.1 kHz, want about 48000", got)
	}
	if a := testpeer.ToneAmplitude(left[4800:43200], 440, 48000); math.Abs(a-0.5) > 0.01 {
		t.Errorf("440 Hz at %.3f after resampling, want 0.5", a)
	}
	if times[0] != start {
		t.Errorf("the first block is at %v, want the first input's %v", times[0], start)
	}
	for i := 1; i < len(times); i++ {
		if d := times[i] - times[i-1] - time.Duration(1024)*time.Second/48000; d < -1 || d > 1 { // ns rounding
			t.Fatalf("block %d came %v after the one before, want 1024 samples", i, d)
		}
	}
	// A jump in the input's time starts the output's times again from it.
	times = times[:0]
	later := 20 * time.Second
	for k := 0; k < 3; k++ {
		f := capture.AudioFrame{Format: capture.S16, Rate: in, Channels: 1, Samples: 1024, Data: sineS16(440, 0.5, in, k*1024, 1024),
			Time: later + time.Duration(k*1024)*time.Second/in}
		if err := c.Convert(f, emit); err != nil {
			t.Fatal(err)
		}
	}
	if len(times) == 0 || times[0] != later {
		t.Errorf("after a jump the blocks start at %v, want %v", times, later)
	}
	if err := c.Convert(capture.AudioFrame{Format: capture.S16, Rate: in, Channels: 1, Samples: 1024, Data: make([]byte, 10)}, emit); err == nil {
		t.Error("a buffer shorter than its samples was converted")
	}
	if _, err := NewPCMConverter(48000, 6); err == nil {
		t.Error("a converter to 6 channels was made")
	}
}
