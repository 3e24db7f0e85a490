package capture

import (
	"encoding/binary"
	"math"
	"testing"
)

// sine returns n samples per channel of a 1 kHz sine at 48 kHz with the
// given linear amplitude per channel (100 ms is a whole number of cycles).
func sine(format SampleFormat, n int, amp ...float64) AudioFrame {
	ch := len(amp)
	f := AudioFrame{Format: format, Rate: 48000, Channels: ch, Samples: n,
		Data: make([]byte, n*ch*format.BytesPerSample())}
	for i := range n {
		s := math.Sin(2 * math.Pi * 1000 * float64(i) / 48000)
		for c, a := range amp {
			putSample(f, i*ch+c, s*a)
		}
	}
	return f
}

// putSample writes sample k (interleaved index) of f; v is in [-1, 1].
func putSample(f AudioFrame, k int, v float64) {
	if f.Format == S16 {
		binary.LittleEndian.PutUint16(f.Data[2*k:], uint16(int16(math.Round(v*32767))))
		return
	}
	binary.LittleEndian.PutUint32(f.Data[4*k:], math.Float32bits(float32(v)))
}

func sample(f AudioFrame, k int) float64 {
	if f.Format == S16 {
		return float64(int16(binary.LittleEndian.Uint16(f.Data[2*k:])))
	}
	return float64(math.Float32frombits(binary.LittleEndian.Uint32(f.Data[4*k:])))
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4f, want %.4f ± %g", what, got, want, tol)
	}
}

func TestMeasureLevelsSines(t *testing.T) {
	for _, format := range []SampleFormat{S16, F32} {
		var l Levels
		MeasureLevels(sine(format, 4800, 1, DBToGain(-20)), &l)
		if len(l.Peak) != 2 || len(l.RMS) != 2 {
			t.Fatalf("format %d: %d peaks and %d RMS values for 2 channels", format, len(l.Peak), len(l.RMS))
		}
		near(t, "full-scale peak", l.Peak[0], 0, 0.01)
		near(t, "full-scale RMS", l.RMS[0], -3.0103, 0.01)
		near(t, "-20 dBFS peak", l.Peak[1], -20, 0.01)
		near(t, "-20 dBFS RMS", l.RMS[1], -23.0103, 0.01)
		if !l.Clipped {
			t.Errorf("format %d: a full-scale sine is not reported as clipped", format)
		}
		MeasureLevels(sine(format, 4800, DBToGain(-20)), &l)
		if len(l.Peak) != 1 || l.Clipped {
			t.Errorf("format %d, -20 dBFS mono: %+v", format, l)
		}
	}
}

func TestMeasureLevelsSilence(t *testing.T) {
	var l Levels
	for _, f := range []AudioFrame{
		sine(S16, 480, 0, 0),
		sine(F32, 480, 0, 0),
		{Format: F32, Channels: 2}, // no samples
		{Format: S16, Channels: 2, Samples: 480, Data: []byte{1, 2}}, // shorter than it claims
		{Format: 99, Channels: 2, Samples: 1, Data: make([]byte, 64)},
	} {
		MeasureLevels(f, &l)
		if len(l.Peak) != 2 || l.Peak[0] != MinDB || l.Peak[1] != MinDB || l.RMS[0] != MinDB || l.RMS[1] != MinDB || l.Clipped {
			t.Errorf("%+v: got %+v, want MinDB on 2 channels", f, l)
		}
	}
	for _, ch := range []int{0, -1, 65} {
		MeasureLevels(AudioFrame{Format: F32, Channels: ch, Samples: 1, Data: make([]byte, 1024)}, &l)
		if len(l.Peak) != 0 || len(l.RMS) != 0 {
			t.Errorf("%d channels: got %+v, want none", ch, l)
		}
	}
}

func TestMeasureLevelsClipping(t *testing.T) {
	s16 := func(v int16) AudioFrame {
		f := AudioFrame{Format: S16, Channels: 1, Samples: 3, Data: make([]byte, 6)}
		binary.LittleEndian.PutUint16(f.Data[2:], uint16(v))
		return f
	}
	f32 := func(v float32) AudioFrame {
		f := AudioFrame{Format: F32, Channels: 1, Samples: 3, Data: make([]byte, 12)}
		binary.LittleEndian.PutUint32(f.Data[4:], math.Float32bits(v))
		return f
	}
	cases := []struct {
		name string
		f    AudioFrame
		want bool
	}{
		{"s16 32767", s16(32767), true},
		{"s16 -32768", s16(-32768), true},
		{"s16 32766", s16(32766), false},
		{"s16 -32767", s16(-32767), false},
		{"f32 0.999", f32(0.999), true},
		{"f32 -1.5", f32(-1.5), true},
		{"f32 0.998", f32(0.998), false},
		{"f32 NaN", f32(float32(math.NaN())), true},
		{"f32 +Inf", f32(float32(math.Inf(1))), true},
	}
	var l Levels
	for _, c := range cases {
		MeasureLevels(c.f, &l)
		if l.Clipped != c.want {
			t.Errorf("%s: Clipped = %v, want %v", c.name, l.Clipped, c.want)
		}
		if math.IsNaN(l.Peak[0]) || math.IsNaN(l.RMS[0]) {
			t.Errorf("%s: NaN levels %+v", c.name, l)
		}
	}
}

func TestApplyGain(t *testing.T) {
	near(t, "DBToGain(0)", DBToGain(0), 1, 1e-12)
	near(t, "DBToGain(20*log10(2))", DBToGain(20*math.Log10(2)), 2, 1e-12)
	near(t, "DBToGain(-20)", DBToGain(-20), 0.1, 1e-12)
	if g := DBToGain(MinDB); g != 0 {
		t.Errorf("DBToGain(MinDB) = %g, want 0", g)
	}
	if g := DBToGain(math.NaN()); g != 0 {
		t.Errorf("DBToGain(NaN) = %g, want 0", g)
	}
	six := DBToGain(6)
	for _, format := range []SampleFormat{S16, F32} {
		f := AudioFrame{Format: format, Channels: 2, Samples: 3, Data: make([]byte, 6*format.BytesPerSample())}
		in := []float64{0.25, -0.25, 0.75, -0.75, 0.001, 0}
		for k, v := range in {
			putSample(f, k, v)
		}
		before := make([]float64, len(in))
		for k := range in {
			before[k] = sample(f, k)
		}
		ApplyGain(&f, six)
		full := 1.0
		if format == S16 {
			full = 32767
		}
		near(t, "+6 dB of 0.25 (ratio)", sample(f, 0)/before[0], six, 0.001)
		near(t, "+6 dB of -0.25 (ratio)", sample(f, 1)/before[1], six, 0.001)
		near(t, "+6 dB of 0.75 (saturated)", sample(f, 2), full, 0)
		neg := -full
		if format == S16 {
			neg = -32768
		}
		near(t, "+6 dB of -0.75 (saturated)", sample(f, 3), neg, 0)
		ApplyGain(&f, 0)
		for k := range in {
			if s := sample(f, k); s != 0 {
				t.Errorf("format %d: sample %d is %g after a gain of 0", format, k, s)
			}
		}
	}
	f := sine(F32, 4800, 0.5)
	ApplyGain(&f, DBToGain(20*math.Log10(2)))
	var l Levels
	MeasureLevels(f, &l)
	near(t, "peak after doubling a -6.02 dBFS sine", l.Peak[0], 0, 0.01)
	n := AudioFrame{Format: F32, Channels: 1, Samples: 1, Data: make([]byte, 4)}
	binary.LittleEndian.PutUint32(n.Data, math.Float32bits(float32(math.NaN())))
	ApplyGain(&n, 0.5)
	if s := sample(n, 0); s != 0 {
		t.Errorf("NaN sample after gain 0.5 is %g, want 0", s)
	}
}

func TestMeasureLevelsNoAllocs(t *testing.T) {
	for _, f := range []AudioFrame{sine(S16, 480, 0.5, 0.25), sine(F32, 480, 0.5, 0.25)} {
		var l Levels
		MeasureLevels(f, &l)
		if n := testing.AllocsPerRun(100, func() { MeasureLevels(f, &l) }); n != 0 {
			t.Errorf("format %d: MeasureLevels allocates %.1f times per call on a reused Levels", f.Format, n)
		}
	}
}

func FuzzMeasureLevels(f *testing.F) {
	f.Add([]byte{0, 0, 0xff, 0x7f, 0, 0x80}, uint8(S16), uint8(2), int16(3), 2.0)
	f.Add([]byte{0, 0, 0x80, 0x7f, 0, 0, 0xc0, 0x7f}, uint8(F32), uint8(1), int16(2), 0.5)
	f.Add([]byte{1, 2, 3}, uint8(F32), uint8(3), int16(-1), 1.0)
	f.Add(make([]byte, 64), uint8(7), uint8(64), int16(100), 0.0)
	f.Fuzz(func(t *testing.T, data []byte, format, channels uint8, samples int16, gain float64) {
		fr := AudioFrame{Format: SampleFormat(format % 4), Rate: 48000, Channels: int(channels) - 1,
			Samples: int(samples), Data: data}
		var l Levels
		MeasureLevels(fr, &l)
		if len(l.Peak) != len(l.RMS) {
			t.Fatalf("%d peaks but %d RMS values", len(l.Peak), len(l.RMS))
		}
		for c := range l.Peak {
			if !(l.Peak[c] >= MinDB) || !(l.RMS[c] >= MinDB) || l.RMS[c] > l.Peak[c]+1e-9 {
				t.Fatalf("channel %d: peak %g, RMS %g", c, l.Peak[c], l.RMS[c])
			}
		}
		fr.Data = append([]byte(nil), data...)
		ApplyGain(&fr, gain)
		MeasureLevels(fr, &l)
		if gain != 1 && fr.Format.BytesPerSample() > 0 {
			for c := range l.Peak {
				if l.Peak[c] > 1e-9 {
					t.Fatalf("channel %d peaks at %g dBFS after a saturating gain of %g", c, l.Peak[c], gain)
				}
			}
		}
	})
}
