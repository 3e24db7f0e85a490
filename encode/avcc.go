package encode

import (
	"errors"
	"fmt"
)

// H.264 NAL unit types used here.
const (
	nalSlice = 1
	nalIDR   = 5
	nalSEI   = 6
	nalSPS   = 7
	nalPPS   = 8
	nalAUD   = 9
)

// nalRange is one NAL unit of an Annex B buffer, start codes excluded.
type nalRange struct{ start, end int }

// splitAnnexB appends to dst the NAL units of the Annex B buffer b (3- or
// 4-byte start codes; trailing zero bytes before a start code are dropped).
// Bytes before the first start code are ignored.
func splitAnnexB(b []byte, dst []nalRange) []nalRange {
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

func appendNAL(dst []nalRange, b []byte, start, end int) []nalRange {
	for end > start && b[end-1] == 0 {
		end--
	}
	if end > start {
		dst = append(dst, nalRange{start, end})
	}
	return dst
}

// annexBToAVCC converts one Annex B access unit to 4-byte length-prefixed
// NAL units in a new slice, dropping access unit delimiters. idr reports
// whether the access unit holds an IDR slice. scratch is reused between
// calls to avoid allocating.
func annexBToAVCC(b []byte, scratch *[]nalRange) (out []byte, idr bool) {
	nals := splitAnnexB(b, (*scratch)[:0])
	*scratch = nals
	size := 0
	for _, n := range nals {
		if b[n.start]&0x1f != nalAUD {
			size += 4 + n.end - n.start
		}
	}
	out = make([]byte, 0, size)
	for _, n := range nals {
		t := b[n.start] & 0x1f
		if t == nalAUD {
			continue
		}
		idr = idr || t == nalIDR
		l := n.end - n.start
		out = append(out, byte(l>>24), byte(l>>16), byte(l>>8), byte(l))
		out = append(out, b[n.start:n.end]...)
	}
	return out, idr
}

// avcDecoderConfigurationRecord builds the ISO/IEC 14496-15 record (the FLV
// AVC sequence header) from encoder extradata: Annex B SPS and PPS, or an
// existing record, which is returned as a copy.
func avcDecoderConfigurationRecord(extradata []byte) ([]byte, error) {
	if len(extradata) >= 7 && extradata[0] == 1 {
		return append([]byte(nil), extradata...), nil
	}
	var sps, pps [][]byte
	for _, n := range splitAnnexB(extradata, nil) {
		nal := extradata[n.start:n.end]
		switch nal[0] & 0x1f {
		case nalSPS:
			sps = append(sps, nal)
		case nalPPS:
			pps = append(pps, nal)
		}
	}
	if len(sps) == 0 || len(pps) == 0 {
		return nil, errors.New("encode: encoder extradata has no SPS or PPS")
	}
	if len(sps) > 31 || len(pps) > 255 {
		return nil, errors.New("encode: encoder extradata has too many parameter sets")
	}
	info, err := parseSPS(sps[0])
	if err != nil {
		return nil, fmt.Errorf("encode: encoder SPS: %w", err)
	}
	rec := []byte{1, info.profile, info.constraints, info.level, 0xff, 0xe0 | byte(len(sps))}
	for _, s := range sps {
		rec = appendLen16(rec, s)
	}
	rec = append(rec, byte(len(pps)))
	for _, p := range pps {
		rec = appendLen16(rec, p)
	}
	if info.highProfile() {
		rec = append(rec, 0xfc|byte(info.chromaFormat), 0xf8|byte(info.bitDepthLuma-8),
			0xf8|byte(info.bitDepthChroma-8), 0)
	}
	return rec, nil
}

func appendLen16(b, nal []byte) []byte {
	b = append(b, byte(len(nal)>>8), byte(len(nal)))
	return append(b, nal...)
}
