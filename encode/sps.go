package encode

import "errors"

// spsInfo is the part of an H.264 sequence parameter set that the
// AVCDecoderConfigurationRecord repeats.
type spsInfo struct {
	profile, constraints, level byte
	chromaFormat                int // 0..3; 1 (4:2:0) unless a high profile says otherwise
	bitDepthLuma                int // 8..14
	bitDepthChroma              int // 8..14
}

// highProfile reports whether the record needs the chroma/bit-depth tail
// (ISO/IEC 14496-15 §5.3.3.1.2).
func (s spsInfo) highProfile() bool {
	switch s.profile {
	case 100, 110, 122, 144:
		return true
	}
	return false
}

var errShortSPS = errors.New("SPS is truncated")

// parseSPS reads profile, level, chroma format and bit depths from an SPS
// NAL unit (header byte included, emulation prevention bytes present).
func parseSPS(nal []byte) (spsInfo, error) {
	if len(nal) < 4 || nal[0]&0x1f != nalSPS {
		return spsInfo{}, errors.New("not an SPS NAL unit")
	}
	s := spsInfo{profile: nal[1], constraints: nal[2], level: nal[3], chromaFormat: 1, bitDepthLuma: 8, bitDepthChroma: 8}
	r := bitReader{b: nal[4:]}
	if _, err := r.ue(); err != nil { // seq_parameter_set_id
		return s, err
	}
	switch s.profile {
	case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
		cf, err := r.ue()
		if err != nil {
			return s, err
		}
		if cf > 3 {
			return s, errors.New("SPS chroma_format_idc out of range")
		}
		s.chromaFormat = int(cf)
		if cf == 3 {
			if _, err := r.bit(); err != nil { // separate_colour_plane_flag
				return s, err
			}
		}
		l, err := r.ue()
		if err != nil {
			return s, err
		}
		c, err := r.ue()
		if err != nil {
			return s, err
		}
		if l > 6 || c > 6 {
			return s, errors.New("SPS bit depth out of range")
		}
		s.bitDepthLuma, s.bitDepthChroma = 8+int(l), 8+int(c)
	}
	return s, nil
}

// bitReader reads an RBSP from NAL payload bytes, skipping emulation
// prevention bytes (00 00 03).
type bitReader struct {
	b     []byte
	pos   int // byte index
	bit8  int // bits used in b[pos]
	zeros int // consecutive zero bytes before pos
}

func (r *bitReader) bit() (uint32, error) {
	if r.bit8 == 0 {
		if r.pos >= len(r.b) {
			return 0, errShortSPS
		}
		if r.zeros >= 2 && r.b[r.pos] == 3 {
			r.zeros = 0
			r.pos++
			if r.pos >= len(r.b) {
				return 0, errShortSPS
			}
		}
		if r.b[r.pos] == 0 {
			r.zeros++
		} else {
			r.zeros = 0
		}
	}
	v := uint32(r.b[r.pos]>>(7-r.bit8)) & 1
	r.bit8++
	if r.bit8 == 8 {
		r.bit8 = 0
		r.pos++
	}
	return v, nil
}

// ue reads an unsigned Exp-Golomb code.
func (r *bitReader) ue() (uint32, error) {
	n := 0
	for {
		b, err := r.bit()
		if err != nil {
			return 0, err
		}
		if b == 1 {
			break
		}
		n++
		if n > 31 {
			return 0, errors.New("SPS Exp-Golomb code too long")
		}
	}
	v := uint32(0)
	for range n {
		b, err := r.bit()
		if err != nil {
			return 0, err
		}
		v = v<<1 | b
	}
	return (1 << n) - 1 + v, nil
}
