package encode

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/media"
)

// tone returns a buffer of a 440 Hz sine starting at sample index start.
func tone(format capture.SampleFormat, rate, channels, start, n int, at time.Duration) capture.AudioFrame {
	f := capture.AudioFrame{Format: format, Rate: rate, Channels: channels, Samples: n, Time: at,
		Data: make([]byte, n*channels*format.BytesPerSample())}
	for i := range n {
		v := 0.5 * math.Sin(2*math.Pi*440*float64(start+i)/float64(rate))
		for c := range channels {
			o := (i*channels + c) * format.BytesPerSample()
			if format == capture.S16 {
				binary.LittleEndian.PutUint16(f.Data[o:], uint16(int16(v*32767)))
			} else {
				binary.LittleEndian.PutUint32(f.Data[o:], math.Float32bits(float32(v)))
			}
		}
	}
	return f
}

func newTestAudio(t *testing.T) (*AudioEncoder, *logBuffer) {
	t.Helper()
	log, logs := newTestLogger()
	e, err := NewAudioEncoder(AudioConfig{}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, logs
}

// feed sends 10 ms buffers covering [from, to) of capture time (with the
// given time offset added to their stamps) and returns what came out.
func feed(t *testing.T, e *AudioEncoder, c *collector, format capture.SampleFormat, rate, channels int, from, to, offset time.Duration) {
	t.Helper()
	chunk := rate / 100
	for at := from; at < to; at += 10 * time.Millisecond {
		start := int(at / (10 * time.Millisecond) * time.Duration(chunk))
		if err := e.Encode(tone(format, rate, channels, start, chunk, at+offset), c.emit); err != nil {
			t.Fatalf("at %s: %v", at, err)
		}
	}
}

// checkAACSteps requires strictly increasing timestamps stepping 21 or 22
// ms (one 1024-sample frame at 48 kHz), except where allowed lists a gap.
func checkAACSteps(t *testing.T, pkts []media.Packet) (gaps []int64) {
	t.Helper()
	for i, p := range pkts {
		if p.Kind != media.KindAudio || p.Header || !p.Key || p.DTS != p.PTS {
			t.Fatalf("packet %d: %+v", i, p)
		}
		if i == 0 {
			continue
		}
		step := p.PTS - pkts[i-1].PTS
		if step != 21 && step != 22 {
			if step <= 0 {
				t.Fatalf("packet %d: PTS %d after %d", i, p.PTS, pkts[i-1].PTS)
			}
			gaps = append(gaps, step)
		}
	}
	return gaps
}

func TestAudioS16Mono44100(t *testing.T) {
	e, _ := newTestAudio(t)
	var c collector
	feed(t, e, &c, capture.S16, 44100, 1, 0, time.Second, 0)
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	if n := len(c.pkts); n < 46 || n > 49 {
		t.Fatalf("%d AAC packets for 1 s, want about 47", n)
	}
	if gaps := checkAACSteps(t, c.pkts); len(gaps) > 0 {
		t.Fatalf("timestamp gaps %v", gaps)
	}
	if c.pkts[0].PTS != -21 {
		t.Fatalf("first PTS %d, want -21 (one priming frame before the anchor)", c.pkts[0].PTS)
	}
	asc := e.SequenceHeader()
	if asc.Kind != media.KindAudio || !asc.Header || len(asc.Data) < 2 {
		t.Fatalf("header %+v", asc)
	}
	obj, freq, ch := asc.Data[0]>>3, (asc.Data[0]&7)<<1|asc.Data[1]>>7, (asc.Data[1]>>3)&0xf
	if obj != 2 || freq != 3 || ch != 2 {
		t.Fatalf("AudioSpecificConfig % x: object %d, frequency index %d, channels %d; want LC (2), 48 kHz (3), stereo (2)",
			asc.Data, obj, freq, ch)
	}
	d := decodeWith(t, astiav.CodecIDAac, asc.Data, c.pkts)
	if d.frames != len(c.pkts) || d.sampleRate != 48000 || d.channels != 2 {
		t.Fatalf("decoded %d frames at %d Hz, %d ch; want %d at 48000 Hz, 2 ch", d.frames, d.sampleRate, d.channels, len(c.pkts))
	}
}

func TestAudioF32StereoAndFormatChanges(t *testing.T) {
	e, _ := newTestAudio(t)
	var c collector
	feed(t, e, &c, capture.F32, 48000, 2, 5*time.Second, 5500*time.Millisecond, 0)
	feed(t, e, &c, capture.S16, 44100, 1, 5500*time.Millisecond, 6*time.Second, 0)
	feed(t, e, &c, capture.F32, 32000, 6, 6*time.Second, 6500*time.Millisecond, 0)
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	if gaps := checkAACSteps(t, c.pkts); len(gaps) > 0 {
		t.Fatalf("timestamp gaps %v across format changes", gaps)
	}
	if first := c.pkts[0].PTS; first != 5000-21 {
		t.Fatalf("first PTS %d, want anchored at 5000 ms (minus the 21 ms priming frame)", first)
	}
	if last := c.pkts[len(c.pkts)-1].PTS; last < 6450 || last > 6520 {
		t.Fatalf("last PTS %d, want about 6.5 s", last)
	}
	decodeWith(t, astiav.CodecIDAac, e.SequenceHeader().Data, c.pkts)
}

func TestAudioJumpAheadReanchors(t *testing.T) {
	e, logs := newTestAudio(t)
	var c collector
	feed(t, e, &c, capture.S16, 48000, 2, 0, 500*time.Millisecond, 0)
	feed(t, e, &c, capture.S16, 48000, 2, 500*time.Millisecond, time.Second, time.Second) // 1 s gap
	feed(t, e, &c, capture.S16, 48000, 2, time.Second, 1500*time.Millisecond, 3*time.Second)
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	gaps := checkAACSteps(t, c.pkts)
	if len(gaps) != 2 || gaps[0] < 1000 || gaps[0] > 1030 || gaps[1] < 2000 || gaps[1] > 2030 {
		t.Fatalf("gaps %v ms, want about 1000 and 2000", gaps)
	}
	if last := c.pkts[len(c.pkts)-1].PTS; last < 4450 || last > 4520 {
		t.Fatalf("last PTS %d, want about 4.5 s (1.5 s of audio ending at 4.5 s)", last)
	}
	if n := logs.count("jumped ahead"); n != 1 {
		t.Fatalf("logged %d jumps, want 1 (at most one warning per 10 s):\n%s", n, logs)
	}
}

func TestAudioJumpBackDropsOverlap(t *testing.T) {
	e, logs := newTestAudio(t)
	var c collector
	feed(t, e, &c, capture.S16, 48000, 2, 0, time.Second, 0)
	// The source's stamps now lag by 300 ms: the first 300 ms of this part
	// overlap audio already stamped and are dropped.
	feed(t, e, &c, capture.S16, 48000, 2, time.Second, 2*time.Second, -300*time.Millisecond)
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	if gaps := checkAACSteps(t, c.pkts); len(gaps) > 0 {
		t.Fatalf("gaps %v after a jump back", gaps)
	}
	if last := c.pkts[len(c.pkts)-1].PTS; last < 1650 || last > 1720 {
		t.Fatalf("last PTS %d, want about 1.7 s (300 ms dropped)", last)
	}
	if n := logs.count("went back"); n != 1 {
		t.Fatalf("logged %d jumps back, want 1:\n%s", n, logs)
	}
}

func TestAudioRejects(t *testing.T) {
	for _, cfg := range []AudioConfig{{Bitrate: 1}, {SampleRate: 12345}, {Channels: 3}} {
		if e, err := NewAudioEncoder(cfg, nil); !errors.Is(err, ErrInvalidConfig) {
			if e != nil {
				e.Close()
			}
			t.Fatalf("%+v: %v", cfg, err)
		}
	}
	e, _ := newTestAudio(t)
	nop := func(media.Packet) {}
	bad := []capture.AudioFrame{
		{Format: 9, Rate: 48000, Channels: 2, Samples: 1, Data: make([]byte, 16)},
		{Format: capture.S16, Rate: 0, Channels: 2, Samples: 1, Data: make([]byte, 4)},
		{Format: capture.S16, Rate: 48000, Channels: 0, Samples: 1, Data: make([]byte, 4)},
		{Format: capture.S16, Rate: 48000, Channels: 2, Samples: 10, Data: make([]byte, 39)},
	}
	for _, f := range bad {
		if err := e.Encode(f, nop); !errors.Is(err, ErrUnsupportedInput) {
			t.Fatalf("%+v: %v", f, err)
		}
	}
	if err := e.Encode(capture.AudioFrame{Format: capture.S16, Rate: 48000, Channels: 2}, nop); err != nil {
		t.Fatalf("empty buffer: %v", err)
	}
}

func TestAudioCloseTwice(t *testing.T) {
	e, _ := newTestAudio(t)
	var c collector
	feed(t, e, &c, capture.F32, 48000, 2, 0, 100*time.Millisecond, 0)
	for range 2 {
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Encode(tone(capture.F32, 48000, 2, 0, 480, 0), c.emit); !errors.Is(err, ErrClosed) {
		t.Fatalf("Encode after Close: %v", err)
	}
	if err := e.Flush(c.emit); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after Close: %v", err)
	}
	if !strings.Contains(ErrClosed.Error(), "closed") {
		t.Fatal(ErrClosed)
	}
}

func TestAudioSteadyStateAllocations(t *testing.T) {
	e, _ := newTestAudio(t)
	f := tone(capture.S16, 48000, 2, 0, 1024, 0)
	out := 0
	emit := func(media.Packet) { out++ }
	step := func() {
		if err := e.Encode(f, emit); err != nil {
			t.Fatal(err)
		}
		f.Time += time.Second * 1024 / 48000
	}
	for range 20 {
		step()
	}
	allocs := testing.AllocsPerRun(100, step)
	t.Logf("%.2f Go allocations per 1024-sample buffer (%d packets)", allocs, out)
	if allocs > 1 {
		t.Fatalf("%.2f allocations per AAC frame, want at most 1 (the packet copy)", allocs)
	}
}
