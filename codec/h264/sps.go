// Package h264 parses and builds what the studio needs of H.264: the
// sequence parameter set, the AVCDecoderConfigurationRecord (ISO 14496-15)
// that a sequence header carries, Annex B to length-prefixed (AVCC)
// conversion, filler NAL units, and the SEI time stamps the load generator
// measures latency with. Every read of peer-controlled bytes is bounded.
package h264

import (
	"fmt"

	"github.com/seed7c1a73c4/onair/codec/internal/bits"
)

// MaxVideoDimension bounds the width and height ParseSPS accepts.
const MaxVideoDimension = 16384

// SPSInfo is what ParseSPS extracts from an H.264 sequence parameter set.
type SPSInfo struct {
	ProfileIDC      uint8
	ConstraintFlags uint8
	LevelIDC        uint8
	ChromaFormatIDC uint32 // 0 mono, 1 4:2:0, 2 4:2:2, 3 4:4:4
	BitDepthLuma    int    // 8..14
	BitDepthChroma  int    // 8..14
	Width, Height   int    // after cropping
	FrameRate       float64
	Interlaced      bool
}

// highProfiles carry chroma format, bit depth and scaling lists in the SPS.
var highProfiles = map[uint8]bool{100: true, 110: true, 122: true, 244: true, 44: true, 83: true, 86: true, 118: true, 128: true, 138: true, 139: true, 134: true, 135: true}

// ParseSPS parses an H.264 SPS NAL unit (with its one-byte NAL header, no
// start code or length prefix). Every read is bounded; sizes above
// MaxVideoDimension are errors. FrameRate is 0 when the VUI has no timing.
func ParseSPS(nal []byte) (SPSInfo, error) {
	if len(nal) < 4 {
		return SPSInfo{}, fmt.Errorf("%w: SPS of %d bytes", ErrMalformed, len(nal))
	}
	if nal[0]&0x1F != 7 {
		return SPSInfo{}, fmt.Errorf("%w: NAL unit type %d is not an SPS", ErrMalformed, nal[0]&0x1F)
	}
	rbsp := unescapeRBSP(nal[1:])
	if len(rbsp) < 4 {
		return SPSInfo{}, fmt.Errorf("%w: SPS of %d bytes", ErrMalformed, len(nal))
	}
	r := bits.NewReader(rbsp, ErrMalformed)
	s := SPSInfo{ProfileIDC: rbsp[0], ConstraintFlags: rbsp[1], LevelIDC: rbsp[2], ChromaFormatIDC: 1, BitDepthLuma: 8, BitDepthChroma: 8}
	_ = r.Skip(24) // profile, constraints and level, read above
	if _, err := r.UEMax("seq_parameter_set_id", 31); err != nil {
		return SPSInfo{}, err
	}
	separateColourPlane := false
	if highProfiles[s.ProfileIDC] {
		var err error
		if s.ChromaFormatIDC, err = r.UEMax("chroma_format_idc", 3); err != nil {
			return SPSInfo{}, err
		}
		if s.ChromaFormatIDC == 3 {
			if separateColourPlane, err = r.Flag(); err != nil {
				return SPSInfo{}, err
			}
		}
		luma, err := r.UEMax("bit_depth_luma_minus8", 6)
		if err != nil {
			return SPSInfo{}, err
		}
		chroma, err := r.UEMax("bit_depth_chroma_minus8", 6)
		if err != nil {
			return SPSInfo{}, err
		}
		s.BitDepthLuma, s.BitDepthChroma = int(luma)+8, int(chroma)+8
		if err := r.Skip(1); err != nil { // qpprime_y_zero_transform_bypass_flag
			return SPSInfo{}, err
		}
		if err := skipScalingMatrix(r, s.ChromaFormatIDC); err != nil {
			return SPSInfo{}, err
		}
	}
	if _, err := r.UEMax("log2_max_frame_num_minus4", 12); err != nil {
		return SPSInfo{}, err
	}
	if err := skipPOC(r); err != nil {
		return SPSInfo{}, err
	}
	if _, err := r.UE(); err != nil { // max_num_ref_frames
		return SPSInfo{}, err
	}
	if err := r.Skip(1); err != nil { // gaps_in_frame_num_value_allowed_flag
		return SPSInfo{}, err
	}
	if err := spsSize(r, &s, separateColourPlane); err != nil {
		return SPSInfo{}, err
	}
	// The VUI is optional and often cut short by muxers: a truncated VUI
	// leaves FrameRate at 0 rather than failing the whole SPS.
	if vui, err := r.Flag(); err == nil && vui {
		s.FrameRate = vuiFrameRate(r)
	}
	return s, nil
}

// unescapeRBSP removes emulation-prevention bytes (00 00 03 → 00 00).
func unescapeRBSP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	zeros := 0
	for _, c := range b {
		if zeros >= 2 && c == 3 {
			zeros = 0
			continue
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

func skipScalingMatrix(r *bits.Reader, chroma uint32) error {
	present, err := r.Flag()
	if err != nil || !present {
		return err
	}
	lists := 8
	if chroma == 3 {
		lists = 12
	}
	for i := range lists {
		listPresent, err := r.Flag()
		if err != nil {
			return err
		}
		if !listPresent {
			continue
		}
		size := 16
		if i >= 6 {
			size = 64
		}
		last, next := int32(8), int32(8)
		for range size {
			if next != 0 {
				delta, err := r.SE()
				if err != nil {
					return err
				}
				if delta < -128 || delta > 127 {
					return fmt.Errorf("%w: scaling list delta %d", ErrMalformed, delta)
				}
				next = (last + delta + 256) % 256
			}
			if next != 0 {
				last = next
			}
		}
	}
	return nil
}

func skipPOC(r *bits.Reader) error {
	pocType, err := r.UEMax("pic_order_cnt_type", 2)
	if err != nil {
		return err
	}
	switch pocType {
	case 0:
		_, err = r.UEMax("log2_max_pic_order_cnt_lsb_minus4", 12)
		return err
	case 1:
		if err := r.Skip(1); err != nil { // delta_pic_order_always_zero_flag
			return err
		}
		if _, err := r.SE(); err != nil { // offset_for_non_ref_pic
			return err
		}
		if _, err := r.SE(); err != nil { // offset_for_top_to_bottom_field
			return err
		}
		n, err := r.UEMax("num_ref_frames_in_pic_order_cnt_cycle", 255)
		if err != nil {
			return err
		}
		for range n {
			if _, err := r.SE(); err != nil {
				return err
			}
		}
	}
	return nil
}

// spsSize reads the picture size and cropping and sets Width and Height.
func spsSize(r *bits.Reader, s *SPSInfo, separateColourPlane bool) error {
	const maxMBs = MaxVideoDimension / 16
	wMBs, err := r.UEMax("pic_width_in_mbs_minus1", maxMBs-1)
	if err != nil {
		return err
	}
	hUnits, err := r.UEMax("pic_height_in_map_units_minus1", maxMBs-1)
	if err != nil {
		return err
	}
	frameMBsOnly, err := r.Flag()
	if err != nil {
		return err
	}
	fieldFactor := 1
	if !frameMBsOnly {
		s.Interlaced, fieldFactor = true, 2
		if err := r.Skip(1); err != nil { // mb_adaptive_frame_field_flag
			return err
		}
	}
	if err := r.Skip(1); err != nil { // direct_8x8_inference_flag
		return err
	}
	width := int(wMBs+1) * 16
	height := fieldFactor * int(hUnits+1) * 16
	if height > MaxVideoDimension {
		return fmt.Errorf("%w: SPS height %d exceeds %d", ErrLimit, height, MaxVideoDimension)
	}
	crop, err := r.Flag()
	if err != nil {
		return err
	}
	if crop {
		var c [4]uint32 // left, right, top, bottom
		for i := range c {
			if c[i], err = r.UEMax("frame_crop_offset", MaxVideoDimension); err != nil {
				return err
			}
		}
		unitX, unitY := 1, fieldFactor
		if s.ChromaFormatIDC != 0 && !separateColourPlane {
			subW, subH := 2, 2
			if s.ChromaFormatIDC == 2 {
				subH = 1
			}
			if s.ChromaFormatIDC == 3 {
				subW, subH = 1, 1
			}
			unitX, unitY = subW, subH*fieldFactor
		}
		width -= int(c[0]+c[1]) * unitX
		height -= int(c[2]+c[3]) * unitY
		if width <= 0 || height <= 0 {
			return fmt.Errorf("%w: SPS cropping leaves no picture", ErrMalformed)
		}
	}
	s.Width, s.Height = width, height
	return nil
}

// vuiFrameRate reads the VUI up to timing_info and returns the frame rate,
// or 0 when it is absent or cut short.
func vuiFrameRate(r *bits.Reader) float64 {
	opt := func(present bool, bits int) bool { return !present || r.Skip(bits) == nil }
	if ar, err := r.Flag(); err != nil {
		return 0
	} else if ar {
		idc, err := r.Bits(8)
		if err != nil || (idc == 255 && r.Skip(32) != nil) {
			return 0
		}
	}
	if ov, err := r.Flag(); err != nil || !opt(ov, 1) {
		return 0
	}
	if vs, err := r.Flag(); err != nil {
		return 0
	} else if vs {
		if r.Skip(4) != nil {
			return 0
		}
		if cd, err := r.Flag(); err != nil || !opt(cd, 24) {
			return 0
		}
	}
	if cl, err := r.Flag(); err != nil {
		return 0
	} else if cl {
		if _, err := r.UE(); err != nil {
			return 0
		}
		if _, err := r.UE(); err != nil {
			return 0
		}
	}
	timing, err := r.Flag()
	if err != nil || !timing {
		return 0
	}
	units, err1 := r.Bits(32)
	scale, err2 := r.Bits(32)
	if err1 != nil || err2 != nil || units == 0 {
		return 0
	}
	return float64(scale) / float64(2*uint64(units))
}
