package capture

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

func TestToneBeepOnTheSecond(t *testing.T) {
	t.Parallel()
	const rate, chans = 48000, 2
	// Start just before 1 s so the read spans two onsets (1 s and 2 s).
	clock := clockAt(950 * time.Millisecond)
	src, err := OpenAudio("test", AudioConstraints{}, clock, nil) // defaults
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	amp := 32767 * math.Pow(10, -12.0/20)
	next := int64(-1)
	var onsets []int64
	var beepLen, inBeep int64
	prevLoud := false
	for next < 2*rate+rate/5 {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != S16 || f.Rate != rate || f.Channels != chans || f.Samples != rate/100 ||
			len(f.Data) != f.Samples*chans*2 || f.Duration() != 10*time.Millisecond {
			t.Fatalf("buffer %+v: want S16 %d Hz %d ch, 10 ms", f, rate, chans)
		}
		// The buffer sits exactly on the sample grid.
		s := int64(f.Time) * rate / int64(time.Second)
		if gridTime(s, rate) != f.Time || s%int64(f.Samples) != 0 {
			t.Fatalf("buffer time %v is not on the buffer grid", f.Time)
		}
		if next >= 0 && s != next {
			t.Fatalf("buffer starts at sample %d, want %d (continuous)", s, next)
		}
		if end := gridTime(s+int64(f.Samples), rate); clock.Now() < end {
			t.Fatalf("buffer ending at %v returned early, at %v", end, clock.Now())
		}
		next = s + int64(f.Samples)
		for i := 0; i < f.Samples; i++ {
			idx := s + int64(i)
			l := int16(binary.LittleEndian.Uint16(f.Data[4*i:]))
			r := int16(binary.LittleEndian.Uint16(f.Data[4*i+2:]))
			if l != r {
				t.Fatalf("sample %d: channels differ (%d, %d)", idx, l, r)
			}
			on := idx%rate < rate/10
			want := 0.0
			if on {
				want = amp * math.Sin(2*math.Pi*1000*float64(idx)/rate)
			}
			if math.Abs(float64(l)-want) > 1.01 {
				t.Fatalf("sample %d (%.4f s): %d, want %.1f", idx, float64(idx)/rate, l, want)
			}
			if on {
				inBeep++
			}
			loud := l != 0
			if loud && !prevLoud && (len(onsets) == 0 || idx-onsets[len(onsets)-1] > rate/2) {
				onsets = append(onsets, idx)
			}
			if loud {
				beepLen = idx - onsets[len(onsets)-1] + 1
			}
			prevLoud = loud
		}
	}
	// sin(0) = 0, so the first audible sample is one after the second.
	if len(onsets) != 2 || onsets[0] != rate+1 || onsets[1] != 2*rate+1 {
		t.Errorf("beep onsets at samples %v, want [%d %d]", onsets, rate+1, 2*rate+1)
	}
	if beepLen < rate/10-2 || beepLen > rate/10 {
		t.Errorf("beep lasts %d samples, want %d (100 ms)", beepLen, rate/10)
	}
	if inBeep != 2*rate/10 {
		t.Errorf("%d samples inside beeps, want %d", inBeep, 2*rate/10)
	}
}

func TestToneRatesAndChannels(t *testing.T) {
	t.Parallel()
	for _, c := range []AudioConstraints{{44100, 1}, {16000, 6}, {96000, 2}} {
		src, err := OpenAudio("test", c, NewClock(), nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		if f.Rate != c.SampleRate || f.Channels != c.Channels || f.Samples != c.SampleRate/100 ||
			len(f.Data) != f.Samples*c.Channels*2 {
			t.Errorf("%+v: got rate %d, %d ch, %d samples, %d bytes", c, f.Rate, f.Channels, f.Samples, len(f.Data))
		}
		if s := int64(f.Time) * int64(c.SampleRate) / int64(time.Second); gridTime(s, int64(c.SampleRate)) != f.Time {
			t.Errorf("%+v: time %v not on the sample grid", c, f.Time)
		}
		src.Close()
	}
}

func TestToneCatchesUpThenSkips(t *testing.T) {
	t.Parallel()
	clock := NewClock()
	src, err := OpenAudio("test", AudioConstraints{}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	last := f.Time
	// 50 ms late: the next buffers come back to back, with no gap.
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 3; i++ {
		g, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		if g.Time != last+10*time.Millisecond {
			t.Fatalf("after a short stall got %v, want %v", g.Time, last+10*time.Millisecond)
		}
		last = g.Time
	}
	// 500 ms late: skip to the newest complete buffer.
	time.Sleep(500 * time.Millisecond)
	now := clock.Now()
	g, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	if g.Time < now-30*time.Millisecond || g.Time > now {
		t.Errorf("after a long stall got buffer at %v, now %v: want the newest", g.Time, now)
	}
}

func TestToneCloseUnblocksRead(t *testing.T) {
	checkGoroutines(t) // not parallel: it counts goroutines
	src, err := OpenAudio("test", AudioConstraints{}, NewClock(), nil)
	if err != nil {
		t.Fatal(err)
	}
	closeWhileReading(t, func() error { _, err := src.Read(); return err }, src.Close)
}

func TestToneBadConstraints(t *testing.T) {
	for _, c := range []AudioConstraints{{-1, 2}, {1000, 2}, {48000, 9}, {48000, -2}, {1 << 20, 2}} {
		if _, err := OpenAudio("test", c, NewClock(), nil); err == nil {
			t.Errorf("OpenAudio(test, %+v) succeeded, want an error", c)
		}
	}
}
