// Package av1 reads what the studio needs from AV1: the
// AV1CodecConfigurationRecord of a sequence header (profile, level and, from
// its sequence header OBU, the picture size) and whether a temporal unit
// starts a new coded video sequence. The parsing is Eyevinn/mp4ff's and
// bluenviron/mediacommon's.
package av1

import (
	"errors"
	"fmt"

	mp4av1 "github.com/Eyevinn/mp4ff/av1"
	mcav1 "github.com/bluenviron/mediacommon/v2/pkg/codecs/av1"
)

// ErrMalformed marks a configuration record that does not parse.
var ErrMalformed = errors.New("av1: malformed data")

// Config is what a parsed AV1CodecConfigurationRecord says. Width and Height
// are zero when the record carries no sequence header OBU (the picture size
// then arrives in band).
type Config struct {
	Profile uint8 // seq_profile: 0 Main, 1 High, 2 Professional
	Level   uint8 // seq_level_idx_0
	Width   int
	Height  int
}

// ParseConfig parses an AV1CodecConfigurationRecord (AV1-ISOBMFF 2.3).
func ParseConfig(b []byte) (Config, error) {
	rec, err := mp4av1.DecodeAV1CodecConfRec(b)
	if err != nil {
		return Config{}, fmt.Errorf("%w: AV1 configuration: %w", ErrMalformed, err)
	}
	c := Config{Profile: rec.SeqProfile, Level: rec.SeqLevelIdx0}
	if len(rec.ConfigOBUs) == 0 {
		return c, nil
	}
	var err2 error
	if c.Width, c.Height, err2 = PictureSize(rec.ConfigOBUs); err2 != nil {
		return Config{}, err2
	}
	return c, nil
}

// PictureSize returns the picture size the sequence header OBU among obus
// (low-overhead format) gives, or zeros when there is none.
func PictureSize(obus []byte) (width, height int, err error) {
	var bs mcav1.Bitstream
	if err := bs.Unmarshal(obus); err != nil {
		return 0, 0, fmt.Errorf("%w: AV1 OBUs: %w", ErrMalformed, err)
	}
	for _, obu := range bs {
		var h mcav1.OBUHeader
		if h.Unmarshal(obu) != nil || h.Type != mcav1.OBUTypeSequenceHeader {
			continue
		}
		var sh mcav1.SequenceHeader
		if err := sh.Unmarshal(obu); err != nil {
			return 0, 0, fmt.Errorf("%w: AV1 sequence header: %w", ErrMalformed, err)
		}
		return sh.Width(), sh.Height(), nil
	}
	return 0, 0, nil
}

// ProfileName names seq_profile.
func ProfileName(p uint8) string {
	switch p {
	case 0:
		return "Main"
	case 1:
		return "High"
	case 2:
		return "Professional"
	}
	return fmt.Sprintf("profile %d", p)
}

// IsRandomAccess reports whether a temporal unit (OBUs in the low-overhead
// format, each with its size) carries a sequence header, which is how a
// decoder's entry point looks on the wire.
func IsRandomAccess(tu []byte) bool {
	var obus mcav1.Bitstream
	if obus.Unmarshal(tu) != nil {
		return false
	}
	return mcav1.IsRandomAccess2(obus)
}
