package mixer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
)

// input is one audio source of the mix. Its goroutine reads the source,
// converts each buffer to float stereo, measures its level after the
// input's gain and mute, and writes the samples into a ring at the sample
// positions their capture times give, on the mix's sample grid.
type input struct {
	name string
	src  capture.AudioSource
	log  *slog.Logger

	gain  atomic.Uint64 // float64 bits, linear
	muted atomic.Bool

	mu       sync.Mutex // guards the ring, levels and position
	ring     []float32  // ringFrames × 2 samples, by absolute sample index
	writeEnd int64      // absolute index after the last sample written; -1 before the first
	levels   capture.Levels
	work     capture.Levels
	errText  string

	done chan struct{}
}

// ringFrames is how much of an input the mix keeps: one second, more than
// the mix's latency by far.
const ringFrames = Rate

// resyncAfter is how far an input's capture times may drift from where its
// samples run on before they are placed at their times again (a gap is
// filled with silence, an overlap overwritten). Below it the samples run
// on back to back, so that timestamp jitter makes no clicks.
const resyncAfter = 20 * time.Millisecond

func newInput(name string, src capture.AudioSource, log *slog.Logger) *input {
	in := &input{name: name, src: src, log: log, ring: make([]float32, 2*ringFrames), writeEnd: -1, done: make(chan struct{})}
	in.gain.Store(math.Float64bits(1))
	go in.run()
	return in
}

func (in *input) run() {
	defer close(in.done)
	var buf []float32
	warned := false
	for {
		f, err := in.src.Read()
		if err != nil {
			if !errors.Is(err, capture.ErrClosed) {
				in.log.Warn("an audio source of the mix stopped; the mix goes on without it", "source", in.name, "err", err)
				in.mu.Lock()
				in.errText = err.Error()
				in.mu.Unlock()
			}
			return
		}
		var cerr error
		buf, cerr = toStereoFloat(buf[:0], f)
		if cerr != nil {
			if !warned {
				in.log.Warn("an audio source of the mix gives buffers the mix cannot read; it stays silent", "source", in.name, "err", cerr)
				warned = true
			}
			continue
		}
		in.write(buf, f.Time)
	}
}

// write places stereo samples captured at t into the ring and measures them.
func (in *input) write(buf []float32, t time.Duration) {
	at := sampleIndex(t)
	in.mu.Lock()
	defer in.mu.Unlock()
	pos := in.writeEnd
	if pos < 0 || absDur(at-pos) > sampleIndex(resyncAfter) {
		if pos >= 0 && at > pos { // a gap: silence, at most a ring's worth
			for i := max(pos, at-ringFrames); i < at; i++ {
				in.ring[2*(i%ringFrames)], in.ring[2*(i%ringFrames)+1] = 0, 0
			}
		}
		pos = at
	}
	n := int64(len(buf) / 2)
	for i := int64(0); i < n; i++ {
		j := 2 * ((pos + i) % ringFrames)
		in.ring[j], in.ring[j+1] = buf[2*i], buf[2*i+1]
	}
	in.writeEnd = pos + n
	measure(buf, in.level(), &in.work)
	in.levels.Peak = append(in.levels.Peak[:0], in.work.Peak...)
	in.levels.RMS = append(in.levels.RMS[:0], in.work.RMS...)
	in.levels.Clipped = in.work.Clipped
}

// level is the input's gain now: 0 when muted.
func (in *input) level() float32 {
	if in.muted.Load() {
		return 0
	}
	return float32(math.Float64frombits(in.gain.Load()))
}

// addTo adds the input's samples for [start, start+len(dst)/2) into dst at
// its gain now (so that a mute or a fader acts on the next buffer of the
// mix, not after the latency); samples it does not have (not yet written,
// or too old) add nothing.
func (in *input) addTo(dst []float32, start int64) {
	g := in.level()
	if g == 0 {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	end := start + int64(len(dst)/2)
	lo, hi := max(start, in.writeEnd-ringFrames), min(end, in.writeEnd)
	for i := lo; i < hi; i++ {
		j, k := 2*(i%ringFrames), 2*(i-start)
		dst[k] += g * in.ring[j]
		dst[k+1] += g * in.ring[j+1]
	}
}

func (in *input) close() {
	in.src.Close()
	<-in.done
}

// sampleIndex is t on the mix's sample grid.
func sampleIndex(t time.Duration) int64 {
	return int64(math.Round(t.Seconds() * Rate))
}

func absDur(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// toStereoFloat appends f's samples as interleaved float stereo.
func toStereoFloat(dst []float32, f capture.AudioFrame) ([]float32, error) {
	if f.Rate != Rate || f.Channels < 1 || f.Channels > 2 {
		return dst, fmt.Errorf("%d Hz, %d channels: the mix takes %d Hz mono or stereo", f.Rate, f.Channels, Rate)
	}
	bps := f.Format.BytesPerSample()
	if bps == 0 || len(f.Data) < f.Samples*f.Channels*bps {
		return dst, fmt.Errorf("a buffer of %d bytes for %d samples", len(f.Data), f.Samples)
	}
	for s := 0; s < f.Samples; s++ {
		var v [2]float32
		for c := 0; c < f.Channels; c++ {
			o := (s*f.Channels + c) * bps
			if f.Format == capture.S16 {
				v[c] = float32(int16(binary.LittleEndian.Uint16(f.Data[o:]))) / 32768
			} else {
				v[c] = math.Float32frombits(binary.LittleEndian.Uint32(f.Data[o:]))
			}
		}
		if f.Channels == 1 {
			v[1] = v[0]
		}
		dst = append(dst, v[0], v[1])
	}
	return dst, nil
}

// measure fills l with the peak and RMS of interleaved stereo samples at
// gain g, in dBFS.
func measure(buf []float32, g float32, l *capture.Levels) {
	var peak, sum [2]float64
	for i, v := range buf {
		a := math.Abs(float64(v * g))
		peak[i%2] = max(peak[i%2], a)
		sum[i%2] += a * a
	}
	n := float64(max(len(buf)/2, 1))
	l.Peak = append(l.Peak[:0], capture.ToDB(peak[0]), capture.ToDB(peak[1]))
	l.RMS = append(l.RMS[:0], capture.ToDB(math.Sqrt(sum[0]/n)), capture.ToDB(math.Sqrt(sum[1]/n)))
	l.Clipped = peak[0] >= 1 || peak[1] >= 1
}
