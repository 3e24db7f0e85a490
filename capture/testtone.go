package capture

import (
	"context"
	"encoding/binary"
	"log/slog"
	"math"
	"sync"
	"time"
)

// Test tone parameters.
const (
	toneHz       = 1000
	toneDBFS     = -12.0
	toneBuffers  = 100 // buffers per second: 10 ms each
	toneBacklog  = 20  // buffers a late reader may catch up on (200 ms)
	toneBeepPart = 10  // the beep lasts 1/10 of each second
)

// testTone is the built-in audio source: S16 interleaved PCM, a 1 kHz sine
// at -12 dBFS during the first 100 ms of every clock second, silence
// otherwise, so its onsets line up with the test pattern's white flashes.
//
// Buffers of rate/100 samples sit on a sample grid aligned to the clock's
// zero: the buffer that starts at sample s has Time s*time.Second/rate.
// Read returns a buffer once the clock has passed its last sample, as a
// device would. A reader up to 200 ms late catches up buffer by buffer with
// no gap; one later than that skips to the newest complete buffer.
type testTone struct {
	rate, channels int
	size           int64 // samples per buffer
	clock          *Clock
	log            *slog.Logger
	pace           *pacer
	beep           []int16 // the beep, indexed by sample index mod rate
	next           int64   // index of the next buffer
	buf            []byte
	skips, reads   int64
	chDone         chan struct{}
	closer         sync.Once
}

func newTestTone(c AudioConstraints, clock *Clock, log *slog.Logger) *testTone {
	done := make(chan struct{})
	t := &testTone{
		rate:     c.SampleRate,
		channels: c.Channels,
		size:     int64(c.SampleRate / toneBuffers),
		clock:    clock,
		log:      log,
		pace:     newPacer(clock, done),
		beep:     toneTable(c.SampleRate),
		chDone:   done,
	}
	t.buf = make([]byte, int(t.size)*t.channels*2)
	// The first buffer starts at the first grid point after now.
	s := gridCeil(clock.Now(), int64(t.rate))
	t.next = (s + t.size - 1) / t.size
	log.Debug("test tone opened", "rate", t.rate, "channels", t.channels)
	return t
}

// toneTable renders the beep: amp*sin(2π·f·s/rate) for the first tenth of
// a second. The phase is taken from (f·s) mod rate, so it is exact.
func toneTable(rate int) []int16 {
	amp := 32767 * math.Pow(10, toneDBFS/20)
	n := rate / toneBeepPart
	tab := make([]int16, n)
	for s := range tab {
		ph := float64(int64(toneHz)*int64(s)%int64(rate)) / float64(rate)
		tab[s] = int16(math.Round(amp * math.Sin(2*math.Pi*ph)))
	}
	return tab
}

// sampleTime is the time of sample s on the grid.
func (t *testTone) sampleTime(s int64) time.Duration { return gridTime(s, int64(t.rate)) }

// Read waits until the next buffer is complete and returns it.
func (t *testTone) Read() (AudioFrame, error) {
	select {
	case <-t.chDone:
		return AudioFrame{}, ErrClosed
	default:
	}
	k := t.next
	// The newest buffer whose last sample has passed.
	newest := gridFloor(t.clock.Now(), int64(t.rate))/t.size - 1
	if newest-k > toneBacklog {
		level := slog.LevelWarn
		if t.reads == 0 {
			level = slog.LevelDebug // opened a while before the first Read
		}
		t.skips += newest - k
		t.log.Log(context.Background(), level, "test tone reader is late; skipping ahead", "buffers", newest-k, "total", t.skips)
		k = newest
	}
	start := k * t.size
	if !t.pace.until(t.sampleTime(start + t.size)) {
		return AudioFrame{}, ErrClosed
	}
	t.next = k + 1
	t.reads++
	t.fill(start)
	return AudioFrame{
		Format:   S16,
		Rate:     t.rate,
		Channels: t.channels,
		Samples:  int(t.size),
		Data:     t.buf,
		Time:     t.sampleTime(start),
	}, nil
}

// fill renders the buffer that starts at sample start.
func (t *testTone) fill(start int64) {
	rate := int64(t.rate)
	beepLen := int64(len(t.beep))
	i := 0
	for s := start; s < start+t.size; s++ {
		var v int16
		if ph := s % rate; ph < beepLen {
			v = t.beep[ph]
		}
		for ch := 0; ch < t.channels; ch++ {
			binary.LittleEndian.PutUint16(t.buf[i:], uint16(v))
			i += 2
		}
	}
}

// Close unblocks Read. It is safe to call twice.
func (t *testTone) Close() error {
	t.closer.Do(func() {
		close(t.chDone)
		t.log.Debug("test tone closed", "skipped", t.skips)
	})
	return nil
}
