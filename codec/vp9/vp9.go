// Package vp9 reads what the studio needs from VP9: the
// VPCodecConfigurationRecord of a sequence header and, from a frame's
// uncompressed header (bluenviron/mediacommon parses it), whether it is a
// keyframe and its picture size.
package vp9

import (
	"errors"
	"fmt"

	mcvp9 "github.com/bluenviron/mediacommon/v2/pkg/codecs/vp9"
)

// ErrMalformed marks a configuration record that does not parse.
var ErrMalformed = errors.New("vp9: malformed data")

// Config is what a VPCodecConfigurationRecord (the body of a vpcC box
// after its version and flags) says.
type Config struct {
	Profile  uint8
	Level    uint8
	BitDepth uint8
}

// ParseConfig parses a VPCodecConfigurationRecord as Enhanced RTMP carries
// it: the vpcC box's full-box header (version 1, flags) and its fields.
func ParseConfig(b []byte) (Config, error) {
	if len(b) < 12 {
		return Config{}, fmt.Errorf("%w: VP9 configuration of %d bytes", ErrMalformed, len(b))
	}
	if b[0] != 1 {
		return Config{}, fmt.Errorf("%w: VP9 configuration version %d", ErrMalformed, b[0])
	}
	return Config{Profile: b[4], Level: b[5], BitDepth: b[6] >> 4}, nil
}

// Keyframe reports whether frame is a shown VP9 keyframe, and its size.
func Keyframe(frame []byte) (key bool, width, height int) {
	var h mcvp9.Header
	if h.Unmarshal(frame) != nil || h.ShowExistingFrame || h.NonKeyFrame {
		return false, 0, 0
	}
	return true, h.Width(), h.Height()
}
