package h264

import "fmt"

// H.264 NAL unit types.
const (
	NALSlice  = 1
	NALIDR    = 5
	NALSEI    = 6
	NALSPS    = 7
	NALPPS    = 8
	NALAUD    = 9
	NALFiller = 12
)

// NALRange is one NAL unit of an Annex B buffer, start codes excluded.
type NALRange struct{ start, end int }

// splitAnnexB appends to dst the NAL units of the Annex B buffer b (3- or
// 4-byte start codes; trailing zero bytes before a start code are dropped).
// Bytes before the first start code are ignored.
func splitAnnexB(b []byte, dst []NALRange) []NALRange {
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

func appendNAL(dst []NALRange, b []byte, start, end int) []NALRange {
	for end > start && b[end-1] == 0 {
		end--
	}
	if end > start {
		dst = append(dst, NALRange{start, end})
	}
	return dst
}

// AnnexBToAVCC converts one Annex B access unit to 4-byte length-prefixed
// NAL units in a new slice, dropping access unit delimiters. idr reports
// whether the access unit holds an IDR slice. scratch is reused between
// calls to avoid allocating.
func AnnexBToAVCC(b []byte, scratch *[]NALRange) (out []byte, idr bool) {
	nals := splitAnnexB(b, (*scratch)[:0])
	*scratch = nals
	size := 0
	for _, n := range nals {
		if b[n.start]&0x1f != NALAUD {
			size += 4 + n.end - n.start
		}
	}
	out = make([]byte, 0, size)
	for _, n := range nals {
		t := b[n.start] & 0x1f
		if t == NALAUD {
			continue
		}
		idr = idr || t == NALIDR
		l := n.end - n.start
		out = append(out, byte(l>>24), byte(l>>16), byte(l>>8), byte(l))
		out = append(out, b[n.start:n.end]...)
	}
	return out, idr
}

// ConfigFromExtradata builds the AVCDecoderConfigurationRecord (the FLV
// AVC sequence header) from encoder extradata: Annex B SPS and PPS, or an
// existing record, which is returned as a copy.
func ConfigFromExtradata(extradata []byte) ([]byte, error) {
	if len(extradata) >= 7 && extradata[0] == 1 {
		return append([]byte(nil), extradata...), nil
	}
	var sps, pps [][]byte
	for _, n := range splitAnnexB(extradata, nil) {
		nal := extradata[n.start:n.end]
		switch nal[0] & 0x1f {
		case NALSPS:
			sps = append(sps, nal)
		case NALPPS:
			pps = append(pps, nal)
		}
	}
	if len(sps) == 0 || len(pps) == 0 {
		return nil, fmt.Errorf("%w: encoder extradata has no SPS or PPS", ErrMalformed)
	}
	return BuildConfig(sps, pps)
}
