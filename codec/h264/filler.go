package h264

import "encoding/binary"

// AppendFillerNAL appends a 4-byte length n and a filler-data NAL unit
// (type 12) of n bytes, n >= 2. Decoders skip it; it brings a test stream
// up to the bytes of a real one.
func AppendFillerNAL(dst []byte, n int) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	dst = append(dst, 12)
	for range n - 2 {
		dst = append(dst, 0xFF)
	}
	return append(dst, 0x80)
}
