package capture

import (
	"encoding/binary"
	"math"
)

// Levels are the audio levels of one buffer, per channel, in dBFS.
type Levels struct {
	Peak    []float64 // highest absolute sample, dBFS (−inf for silence is reported as MinDB)
	RMS     []float64 // root mean square, dBFS
	Clipped bool      // a sample reached full scale
}

// MinDB is the floor reported for silence.
const MinDB = -90.0

// maxMeterChannels is the most channels MeasureLevels measures.
const maxMeterChannels = 64

// clipFloat is the magnitude from which a float sample counts as clipped.
const clipFloat = 0.999

// MeasureLevels measures f into dst: per channel the peak and RMS in dBFS
// (full scale is 1.0 for F32 and 32768 for S16, so a full-scale sine reads
// a peak of 0 dBFS and an RMS of −3.01 dBFS), floored at MinDB. Clipped is
// set when a sample reaches full scale: |s| >= 0.999 for F32, ±32767 or
// −32768 for S16; NaN and infinite floats count as clipped full-scale
// samples. dst's slices are reused, so a steady stream allocates nothing.
//
// Only the whole samples that f.Data holds are measured (at most
// f.Samples). A frame with no usable samples or an unknown format reads
// MinDB on every channel; one with fewer than 1 or more than 64 channels
// leaves dst with no channels.
func MeasureLevels(f AudioFrame, dst *Levels) {
	dst.Clipped = false
	ch := f.Channels
	if ch < 1 || ch > maxMeterChannels {
		ch = 0
	}
	dst.Peak, dst.RMS = resize(dst.Peak, ch), resize(dst.RMS, ch)
	if ch == 0 {
		return
	}
	for c := range ch {
		dst.Peak[c], dst.RMS[c] = 0, 0 // linear peak and sum of squares first
	}
	bps := f.Format.BytesPerSample()
	n := 0
	if bps > 0 {
		n = min(max(f.Samples, 0), len(f.Data)/(ch*bps))
	}
	switch f.Format {
	case S16:
		dst.Clipped = measureS16(f.Data[:n*ch*2], ch, dst.Peak, dst.RMS)
	case F32:
		dst.Clipped = measureF32(f.Data[:n*ch*4], ch, dst.Peak, dst.RMS)
	}
	for c := range ch {
		rms := 0.0
		if n > 0 {
			rms = math.Sqrt(dst.RMS[c] / float64(n))
		}
		dst.Peak[c], dst.RMS[c] = ToDB(dst.Peak[c]), ToDB(rms)
	}
}

func measureS16(b []byte, ch int, peak, sum []float64) (clipped bool) {
	for i := 0; i+2*ch <= len(b); i += 2 * ch {
		for c := range ch {
			s := int16(binary.LittleEndian.Uint16(b[i+2*c:]))
			clipped = clipped || s >= math.MaxInt16 || s == math.MinInt16
			v := float64(s) / 32768
			peak[c] = max(peak[c], math.Abs(v))
			sum[c] += v * v
		}
	}
	return clipped
}

func measureF32(b []byte, ch int, peak, sum []float64) (clipped bool) {
	for i := 0; i+4*ch <= len(b); i += 4 * ch {
		for c := range ch {
			v := math.Abs(float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i+4*c:]))))
			if v >= clipFloat || math.IsNaN(v) || math.IsInf(v, 0) {
				clipped = true
				if math.IsNaN(v) || math.IsInf(v, 0) {
					v = 1
				}
			}
			peak[c] = max(peak[c], v)
			sum[c] += v * v
		}
	}
	return clipped
}

// ToDB converts a linear magnitude to dBFS, floored at MinDB.
func ToDB(v float64) float64 {
	if v <= 0 {
		return MinDB
	}
	return max(20*math.Log10(v), MinDB)
}

// resize returns s with length n, reusing its array when it is big enough.
func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// DBToGain converts a gain in dB to a linear factor: 0 dB is 1, +6.02 dB
// is 2. At or below MinDB (and for NaN) it is 0, so a fader at the bottom
// is silent.
func DBToGain(db float64) float64 {
	if !(db > MinDB) {
		return 0
	}
	return math.Pow(10, db/20)
}

// ApplyGain multiplies the samples of f in place by the linear gain,
// saturating at full scale (S16 to −32768..32767, F32 to −1..1, where NaN
// becomes 0). A gain of 0 (or a negative or NaN gain) gives silence; a gain
// of exactly 1 leaves the frame untouched. Only the whole samples that f.Data
// holds are changed.
func ApplyGain(f *AudioFrame, gain float64) {
	if gain == 1 || f.Channels < 1 {
		return
	}
	if !(gain > 0) {
		gain = 0
	}
	bps := f.Format.BytesPerSample()
	if bps == 0 {
		return
	}
	n := min(max(f.Samples, 0), len(f.Data)/(f.Channels*bps)) * f.Channels * bps
	b := f.Data[:n]
	switch f.Format {
	case S16:
		for i := 0; i+2 <= len(b); i += 2 {
			v := math.Round(float64(int16(binary.LittleEndian.Uint16(b[i:]))) * gain)
			v = min(max(v, math.MinInt16), math.MaxInt16)
			binary.LittleEndian.PutUint16(b[i:], uint16(int16(v)))
		}
	case F32:
		for i := 0; i+4 <= len(b); i += 4 {
			v := float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))) * gain
			if math.IsNaN(v) {
				v = 0
			}
			v = min(max(v, -1), 1)
			binary.LittleEndian.PutUint32(b[i:], math.Float32bits(float32(v)))
		}
	}
}
