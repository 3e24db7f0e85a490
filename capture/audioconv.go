package capture

import (
	"encoding/binary"
	"math"

	"github.com/pion/mediadevices/pkg/wave"
)

// appendWave appends the samples of a as interleaved little-endian PCM to
// dst and says which format it used: F32 for float input, S16 otherwise.
func appendWave(dst []byte, a wave.Audio) ([]byte, SampleFormat) {
	info := a.ChunkInfo()
	n, chs := info.Len, info.Channels
	le := binary.LittleEndian
	switch v := a.(type) {
	case *wave.Int16Interleaved:
		for _, x := range v.Data[:n*chs] {
			dst = le.AppendUint16(dst, uint16(x))
		}
		return dst, S16
	case *wave.Int16NonInterleaved:
		for i := 0; i < n; i++ {
			for ch := 0; ch < chs; ch++ {
				dst = le.AppendUint16(dst, uint16(v.Data[ch][i]))
			}
		}
		return dst, S16
	case *wave.Float32Interleaved:
		for _, x := range v.Data[:n*chs] {
			dst = le.AppendUint32(dst, math.Float32bits(x))
		}
		return dst, F32
	case *wave.Float32NonInterleaved:
		for i := 0; i < n; i++ {
			for ch := 0; ch < chs; ch++ {
				dst = le.AppendUint32(dst, math.Float32bits(v.Data[ch][i]))
			}
		}
		return dst, F32
	}
	for i := 0; i < n; i++ {
		for ch := 0; ch < chs; ch++ {
			dst = le.AppendUint16(dst, uint16(toInt16(a.At(i, ch))))
		}
	}
	return dst, S16
}

// toInt16 converts any pion sample to 16 bits.
func toInt16(s wave.Sample) int16 {
	switch v := s.(type) {
	case wave.Int16Sample:
		return int16(v)
	case wave.Float32Sample:
		return int16(math.Round(math.Max(-1, math.Min(1, float64(v))) * 32767))
	}
	// Sample.Int is the value scaled to 32 bits.
	return int16(max(math.MinInt32, min(math.MaxInt32, s.Int())) >> 16)
}
