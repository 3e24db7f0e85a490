// Package hevc reads what the studio needs from H.265/HEVC: the
// HEVCDecoderConfigurationRecord of a sequence header (profile, level,
// picture size) and whether an access unit is a random-access point. The
// parsing itself is Eyevinn/mp4ff's.
package hevc

import (
	"encoding/binary"
	"errors"
	"fmt"

	mp4hevc "github.com/Eyevinn/mp4ff/hevc"
)

// ErrMalformed marks a configuration record or access unit that does not
// parse.
var ErrMalformed = errors.New("hevc: malformed data")

// Config is what a parsed HEVCDecoderConfigurationRecord says.
type Config struct {
	ProfileIDC uint8 // general_profile_idc: 1 Main, 2 Main 10, 3 Main Still Picture, 4 Range extensions
	LevelIDC   uint8 // general_level_idc: 30 times the level number
	Width      int   // luma samples, conformance window applied
	Height     int
}

// ParseConfig parses an HEVCDecoderConfigurationRecord (ISO 14496-15) with
// 4-byte NAL unit lengths and at least one SPS, and reads the picture size
// from the first SPS.
func ParseConfig(b []byte) (c Config, err error) {
	defer func() {
		// mp4ff's bit readers are written for files, not for hostile
		// network input: a crafted SPS must not take the server down.
		if r := recover(); r != nil {
			c, err = Config{}, fmt.Errorf("%w: HEVC configuration: %v", ErrMalformed, r)
		}
	}()
	rec, err := mp4hevc.DecodeHEVCDecConfRec(b)
	if err != nil {
		return Config{}, fmt.Errorf("%w: HEVC configuration: %w", ErrMalformed, err)
	}
	spss := rec.GetNalusForType(mp4hevc.NALU_SPS)
	if len(spss) == 0 {
		return Config{}, fmt.Errorf("%w: HEVC configuration without SPS", ErrMalformed)
	}
	sps, err := mp4hevc.ParseSPSNALUnit(spss[0])
	if err != nil {
		return Config{}, fmt.Errorf("%w: HEVC SPS: %w", ErrMalformed, err)
	}
	w, h := sps.ImageSize()
	if w == 0 || h == 0 || w > 1<<16 || h > 1<<16 {
		return Config{}, fmt.Errorf("%w: HEVC picture of %dx%d", ErrMalformed, w, h)
	}
	return Config{ProfileIDC: rec.GeneralProfileIDC, LevelIDC: rec.GeneralLevelIDC, Width: int(w), Height: int(h)}, nil
}

// ProfileName names the common general_profile_idc values.
func ProfileName(idc uint8) string {
	switch idc {
	case 1:
		return "Main"
	case 2:
		return "Main 10"
	case 3:
		return "Main Still Picture"
	case 4:
		return "Range Extensions"
	}
	return fmt.Sprintf("profile %d", idc)
}

// IsIRAP reports whether a NAL unit whose header starts with b is an IRAP
// picture (IDR, CRA or BLA: NAL types 16 to 23), where a decoder can start.
func IsIRAP(b byte) bool {
	t := b >> 1 & 0x3F
	return t >= 16 && t <= 23
}

// IsRandomAccess reports whether an access unit of 4-byte-length-prefixed
// NAL units holds an IRAP picture (IDR, CRA or BLA: NAL types 16 to 23), where
// a decoder can start.
func IsRandomAccess(au []byte) bool {
	for len(au) >= 5 {
		n := binary.BigEndian.Uint32(au)
		if n == 0 || uint64(n) > uint64(len(au)-4) {
			return false
		}
		if IsIRAP(au[4]) {
			return true
		}
		au = au[4+n:]
	}
	return false
}
