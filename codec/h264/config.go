package h264

import (
	"encoding/binary"
	"fmt"
)

// Config is a parsed AVCDecoderConfigurationRecord (ISO 14496-15), the
// body of an H.264 sequence header. SPS and PPS alias the parsed bytes.
type Config struct {
	Profile        uint8 // AVCProfileIndication
	Compatibility  uint8 // profile_compatibility
	Level          uint8 // AVCLevelIndication
	NALULengthSize int   // 1, 2 or 4
	SPS            [][]byte
	PPS            [][]byte
}

// ParseConfig parses an AVCDecoderConfigurationRecord. It checks every
// length against the input and requires at least one SPS. The optional
// high-profile extension at the end is ignored.
func ParseConfig(b []byte) (Config, error) {
	if len(b) < 7 {
		return Config{}, fmt.Errorf("%w: AVC configuration of %d bytes", ErrMalformed, len(b))
	}
	if b[0] != 1 {
		return Config{}, fmt.Errorf("%w: AVC configuration version %d", ErrMalformed, b[0])
	}
	c := Config{Profile: b[1], Compatibility: b[2], Level: b[3], NALULengthSize: int(b[4]&3) + 1}
	if c.NALULengthSize == 3 {
		return Config{}, fmt.Errorf("%w: NAL unit length size 3", ErrMalformed)
	}
	rest := b[6:]
	var err error
	if c.SPS, rest, err = parseParamSets(rest, int(b[5]&0x1F), "SPS"); err != nil {
		return Config{}, err
	}
	if len(c.SPS) == 0 {
		return Config{}, fmt.Errorf("%w: AVC configuration without SPS", ErrMalformed)
	}
	if len(rest) < 1 {
		return Config{}, fmt.Errorf("%w: AVC configuration truncated before the PPS count", ErrMalformed)
	}
	if c.PPS, _, err = parseParamSets(rest[1:], int(rest[0]), "PPS"); err != nil {
		return Config{}, err
	}
	return c, nil
}

// parseParamSets reads count 16-bit-length-prefixed parameter sets.
func parseParamSets(b []byte, count int, what string) ([][]byte, []byte, error) {
	var out [][]byte
	for i := range count {
		if len(b) < 2 {
			return nil, nil, fmt.Errorf("%w: %s %d truncated", ErrMalformed, what, i)
		}
		n := int(binary.BigEndian.Uint16(b))
		if n == 0 || len(b) < 2+n {
			return nil, nil, fmt.Errorf("%w: %s %d has length %d with %d bytes left", ErrMalformed, what, i, n, len(b)-2)
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, b, nil
}

// Info parses the first SPS of the record.
func (c Config) Info() (SPSInfo, error) {
	if len(c.SPS) == 0 {
		return SPSInfo{}, fmt.Errorf("%w: AVC configuration without SPS", ErrMalformed)
	}
	return ParseSPS(c.SPS[0])
}

// BuildConfig builds an AVCDecoderConfigurationRecord with 4-byte NAL
// unit lengths from SPS and PPS NAL units (with NAL headers, without start
// codes). Profile and level are taken from the first SPS; for the high
// profiles the record ends with the chroma format and bit depths it gives
// (ISO/IEC 14496-15 §5.3.3.1.2).
func BuildConfig(sps, pps [][]byte) ([]byte, error) {
	if len(sps) == 0 || len(sps) > 31 || len(pps) == 0 || len(pps) > 255 {
		return nil, fmt.Errorf("%w: AVC configuration needs 1..31 SPS and 1..255 PPS, got %d and %d", ErrMalformed, len(sps), len(pps))
	}
	info, err := ParseSPS(sps[0])
	if err != nil {
		return nil, err
	}
	b := []byte{1, sps[0][1], sps[0][2], sps[0][3], 0xFF, 0xE0 | byte(len(sps))}
	if b, err = appendParamSets(b, sps); err != nil {
		return nil, err
	}
	if b, err = appendParamSets(append(b, byte(len(pps))), pps); err != nil {
		return nil, err
	}
	switch info.ProfileIDC {
	case 100, 110, 122, 144:
		b = append(b, 0xFC|byte(info.ChromaFormatIDC), 0xF8|byte(info.BitDepthLuma-8), 0xF8|byte(info.BitDepthChroma-8), 0)
	}
	return b, nil
}

func appendParamSets(b []byte, sets [][]byte) ([]byte, error) {
	for _, ps := range sets {
		if len(ps) == 0 || len(ps) > 0xFFFF {
			return nil, fmt.Errorf("%w: parameter set of %d bytes", ErrMalformed, len(ps))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(ps)))
		b = append(b, ps...)
	}
	return b, nil
}
