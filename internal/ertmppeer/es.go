package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/av1"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// hevcAccessUnits splits an Annex B HEVC stream at its access unit
// delimiters (NAL type 35, dropped) and returns the first VPS, SPS and PPS.
func hevcAccessUnits(b []byte) (aus [][][]byte, vps, sps, pps []byte, err error) {
	nalus := splitAnnexB(b)
	var cur [][]byte
	for _, n := range nalus {
		switch n[0] >> 1 & 0x3F {
		case 35:
			if len(cur) > 0 {
				aus = append(aus, cur)
			}
			cur = nil
			continue
		case 32:
			vps = first(vps, n)
		case 33:
			sps = first(sps, n)
		case 34:
			pps = first(pps, n)
		}
		cur = append(cur, n)
	}
	if len(cur) > 0 {
		aus = append(aus, cur)
	}
	if vps == nil || sps == nil || pps == nil || len(aus) < 2 {
		return nil, nil, nil, nil, errors.New("no parameter sets or access unit delimiters (encode with x265 aud=1)")
	}
	return aus, vps, sps, pps, nil
}

// splitAnnexB returns the NAL units between start codes (3 or 4 bytes).
// mediacommon's AnnexB reader bounds the count per buffer, which a whole
// file exceeds.
func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] != 0 || b[i+1] != 0 || b[i+2] != 1 {
			continue
		}
		if start >= 0 {
			end := i
			for end > start && b[end-1] == 0 {
				end--
			}
			out = append(out, b[start:end])
		}
		start = i + 3
		i += 2
	}
	if start >= 0 && start < len(b) {
		out = append(out, b[start:])
	}
	return out
}

func first(have, n []byte) []byte {
	if have != nil {
		return have
	}
	return n
}

// av1TemporalUnits splits a low-overhead OBU stream at its temporal
// delimiters (dropped: gortmplib adds them back).
func av1TemporalUnits(b []byte) ([][][]byte, error) {
	var bs av1.Bitstream
	if err := bs.Unmarshal(b); err != nil {
		return nil, fmt.Errorf("reading OBUs: %w", err)
	}
	var tus [][][]byte
	var cur [][]byte
	for _, obu := range bs {
		if av1.OBUType(obu[0]>>3&0xF) == av1.OBUTypeTemporalDelimiter {
			if len(cur) > 0 {
				tus = append(tus, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, obu)
	}
	if len(cur) > 0 {
		tus = append(tus, cur)
	}
	if len(tus) < 2 {
		return nil, errors.New("fewer than two temporal units")
	}
	return tus, nil
}

// annexB writes NAL units with 4-byte start codes.
func annexB(nalus [][]byte) []byte {
	var out []byte
	for _, n := range nalus {
		out = append(append(out, 0, 0, 0, 1), n...)
	}
	return out
}

// obus writes a temporal unit in the low-overhead format, with its
// temporal delimiter.
func obus(tu [][]byte) ([]byte, error) {
	if len(tu) == 0 || av1.OBUType(tu[0][0]>>3&0xF) != av1.OBUTypeTemporalDelimiter {
		tu = append([][]byte{{byte(av1.OBUTypeTemporalDelimiter) << 3}}, tu...)
	}
	return av1.Bitstream(tu).Marshal()
}

// adtsFrames reads an ADTS file: its AAC frames and the configuration of
// the first.
func adtsFrames(path string) ([][]byte, *mpeg4audio.AudioSpecificConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var pkts mpeg4audio.ADTSPackets
	if err := pkts.Unmarshal(b); err != nil {
		return nil, nil, fmt.Errorf("reading ADTS: %w", err)
	}
	if len(pkts) == 0 {
		return nil, nil, errors.New("no AAC frames")
	}
	aus := make([][]byte, len(pkts))
	for i, p := range pkts {
		aus[i] = p.AU
	}
	cfg := &mpeg4audio.AudioSpecificConfig{Type: pkts[0].Type, SampleRate: pkts[0].SampleRate, ChannelConfig: pkts[0].ChannelConfig}
	return aus, cfg, nil
}
