package hevc

import (
	"bytes"
	"fmt"

	mp4hevc "github.com/Eyevinn/mp4ff/hevc"
	"github.com/seed7c1a73c4/onair/codec/internal/annexb"
)

// HEVC NAL unit types the encoder side tells apart.
const (
	NALVPS = 32
	NALSPS = 33
	NALPPS = 34
	NALAUD = 35
)

// NALType returns the type of the NAL unit whose header starts with b.
func NALType(b byte) byte { return b >> 1 & 0x3F }

// NALRange is one NAL unit of an Annex B buffer, start codes excluded.
type NALRange = annexb.NAL

// AnnexBToHVCC converts one Annex B access unit to 4-byte length-prefixed
// NAL units in a new slice (the form of Enhanced RTMP and MP4), dropping
// access unit delimiters. irap reports whether the access unit holds an IRAP
// picture. scratch is reused between calls to avoid allocating.
func AnnexBToHVCC(b []byte, scratch *[]NALRange) (out []byte, irap bool) {
	nals := annexb.Split(b, (*scratch)[:0])
	*scratch = nals
	for _, n := range nals {
		irap = irap || IsIRAP(b[n.Start])
	}
	return annexb.LengthPrefixed(b, nals, isAUD), irap
}

func isAUD(nal []byte) bool { return NALType(nal[0]) == NALAUD }

// ConfigFromExtradata builds the HEVCDecoderConfigurationRecord (the
// Enhanced RTMP sequence start, MP4's hvcC) from encoder extradata: Annex B
// VPS, SPS and PPS, or an existing record, which is returned as a copy.
func ConfigFromExtradata(extradata []byte) (rec []byte, err error) {
	if len(extradata) >= 23 && extradata[0] == 1 {
		return append([]byte(nil), extradata...), nil
	}
	defer func() {
		// mp4ff's SPS reader panics on some malformed input.
		if r := recover(); r != nil {
			rec, err = nil, fmt.Errorf("%w: HEVC parameter sets: %v", ErrMalformed, r)
		}
	}()
	var vps, sps, pps [][]byte
	for _, n := range annexb.Split(extradata, nil) {
		nal := extradata[n.Start:n.End]
		switch NALType(nal[0]) {
		case NALVPS:
			vps = append(vps, nal)
		case NALSPS:
			sps = append(sps, nal)
		case NALPPS:
			pps = append(pps, nal)
		}
	}
	if len(vps) == 0 || len(sps) == 0 || len(pps) == 0 {
		return nil, fmt.Errorf("%w: encoder extradata lacks a VPS, SPS or PPS", ErrMalformed)
	}
	dcr, err := mp4hevc.CreateHEVCDecConfRec(vps, sps, pps, true, true, true, true)
	if err != nil {
		return nil, fmt.Errorf("%w: HEVC configuration: %w", ErrMalformed, err)
	}
	var buf bytes.Buffer
	if err := dcr.Encode(&buf); err != nil {
		return nil, fmt.Errorf("hevc: writing the configuration record: %w", err)
	}
	return buf.Bytes(), nil
}
