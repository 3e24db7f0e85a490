package h264

import (
	"fmt"

	"github.com/seed7c1a73c4/onair/codec/internal/annexb"
)

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
type NALRange = annexb.NAL

// AnnexBToAVCC converts one Annex B access unit to 4-byte length-prefixed
// NAL units in a new slice, dropping access unit delimiters. idr reports
// whether the access unit holds an IDR slice. scratch is reused between
// calls to avoid allocating.
func AnnexBToAVCC(b []byte, scratch *[]NALRange) (out []byte, idr bool) {
	nals := annexb.Split(b, (*scratch)[:0])
	*scratch = nals
	for _, n := range nals {
		idr = idr || b[n.Start]&0x1f == NALIDR
	}
	return annexb.LengthPrefixed(b, nals, isAUD), idr
}

func isAUD(nal []byte) bool { return nal[0]&0x1f == NALAUD }

// ConfigFromExtradata builds the AVCDecoderConfigurationRecord (the FLV
// AVC sequence header) from encoder extradata: Annex B SPS and PPS, or an
// existing record, which is returned as a copy.
func ConfigFromExtradata(extradata []byte) ([]byte, error) {
	if len(extradata) >= 7 && extradata[0] == 1 {
		return append([]byte(nil), extradata...), nil
	}
	var sps, pps [][]byte
	for _, n := range annexb.Split(extradata, nil) {
		nal := extradata[n.Start:n.End]
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
