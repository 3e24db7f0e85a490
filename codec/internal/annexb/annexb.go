// Package annexb splits Annex B byte streams (ITU-T H.264 and H.265 Annex B:
// NAL units behind 3- or 4-byte start codes) into NAL units, for the codec
// packages that turn encoder output into length-prefixed access units.
package annexb

// NAL is one NAL unit of an Annex B buffer, start codes excluded: the bytes
// b[Start:End].
type NAL struct{ Start, End int }

// Split appends to dst the NAL units of the Annex B buffer b (3- or 4-byte
// start codes; trailing zero bytes before a start code are dropped). Bytes
// before the first start code are ignored.
func Split(b []byte, dst []NAL) []NAL {
	start := -1
	for i := 0; i+2 < len(b); {
		if b[i+2] > 1 {
			i += 3
			continue
		}
		if b[i] != 0 || b[i+1] != 0 || b[i+2] != 1 {
			i++
			continue
		}
		if start >= 0 {
			dst = appendNAL(dst, b, start, i)
		}
		i += 3
		start = i
	}
	if start >= 0 {
		dst = appendNAL(dst, b, start, len(b))
	}
	return dst
}

func appendNAL(dst []NAL, b []byte, start, end int) []NAL {
	for end > start && b[end-1] == 0 {
		end--
	}
	if end > start {
		dst = append(dst, NAL{start, end})
	}
	return dst
}

// LengthPrefixed converts the NAL units nals of b (from Split) to 4-byte
// length-prefixed NAL units in a new slice, leaving out those for which drop
// returns true.
func LengthPrefixed(b []byte, nals []NAL, drop func(nal []byte) bool) []byte {
	size := 0
	for _, n := range nals {
		if !drop(b[n.Start:n.End]) {
			size += 4 + n.End - n.Start
		}
	}
	out := make([]byte, 0, size)
	for _, n := range nals {
		nal := b[n.Start:n.End]
		if drop(nal) {
			continue
		}
		l := len(nal)
		out = append(out, byte(l>>24), byte(l>>16), byte(l>>8), byte(l))
		out = append(out, nal...)
	}
	return out
}
