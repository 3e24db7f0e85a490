// Package aac parses and builds the AudioSpecificConfig (ISO 14496-3) that
// an AAC sequence header carries, bounding every read.
package aac

import (
	"fmt"

	"github.com/seed7c1a73c4/onair/codec/internal/bits"
)

// aacSampleRates indexes samplingFrequencyIndex (ISO 14496-3 1.6.3.4).
var aacSampleRates = [13]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// aacChannels maps channelConfiguration to a channel count (0: defined in
// the program config element; -1: reserved).
var aacChannels = [16]int{0, 1, 2, 3, 4, 5, 6, 8, -1, -1, -1, 7, 8, 24, 8, -1}

// AAC audio object types.
const (
	ObjectLC = 2  // AAC low complexity
	ObjectHE = 5  // SBR (HE-AAC)
	ObjectPS = 29 // parametric stereo (HE-AAC v2)
)

// Config is a parsed AudioSpecificConfig, the body of an AAC sequence
// header.
type Config struct {
	ObjectType    int // audio object type of the core coder (2 = LC)
	SampleRate    int // output rate: the SBR rate for HE-AAC
	ChannelConfig int // channelConfiguration field
	Channels      int // 0 when the channels are defined in a PCE
	SBR           bool
	PS            bool
}

// ParseConfig parses an AudioSpecificConfig: object type (with the
// escape form), sampling frequency (index or explicit), channel
// configuration and the explicit SBR/PS signalling of HE-AAC.
func ParseConfig(b []byte) (Config, error) {
	if len(b) < 2 {
		return Config{}, fmt.Errorf("%w: AudioSpecificConfig of %d bytes", ErrMalformed, len(b))
	}
	r := bits.NewReader(b, ErrMalformed)
	var c Config
	aot, err := aacObjectType(r)
	if err != nil {
		return Config{}, err
	}
	if aot == 0 {
		return Config{}, fmt.Errorf("%w: AAC object type 0", ErrMalformed)
	}
	if c.SampleRate, err = aacRate(r); err != nil {
		return Config{}, err
	}
	cc, err := r.Bits(4)
	if err != nil {
		return Config{}, err
	}
	c.ChannelConfig, c.Channels = int(cc), aacChannels[cc]
	if c.Channels < 0 {
		return Config{}, fmt.Errorf("%w: AAC channel configuration %d is reserved", ErrMalformed, cc)
	}
	if aot == ObjectHE || aot == ObjectPS {
		c.SBR, c.PS = true, aot == ObjectPS
		if c.SampleRate, err = aacRate(r); err != nil {
			return Config{}, err
		}
		if aot, err = aacObjectType(r); err != nil {
			return Config{}, err
		}
		if c.PS && c.Channels == 1 {
			c.Channels = 2
		}
	}
	c.ObjectType = aot
	return c, nil
}

func aacObjectType(r *bits.Reader) (int, error) {
	v, err := r.Bits(5)
	if err != nil {
		return 0, err
	}
	if v == 31 {
		ext, err := r.Bits(6)
		return 32 + int(ext), err
	}
	return int(v), nil
}

func aacRate(r *bits.Reader) (int, error) {
	idx, err := r.Bits(4)
	if err != nil {
		return 0, err
	}
	if idx == 15 {
		v, err := r.Bits(24)
		if err == nil && v == 0 {
			err = fmt.Errorf("%w: AAC sampling rate 0", ErrMalformed)
		}
		return int(v), err
	}
	if int(idx) >= len(aacSampleRates) {
		return 0, fmt.Errorf("%w: AAC sampling frequency index %d is reserved", ErrMalformed, idx)
	}
	return aacSampleRates[idx], nil
}

// BuildConfig returns a 2-byte AudioSpecificConfig (5 bytes when the rate
// has no index) for objectType (e.g. ObjectLC), sampleRate and 1..8
// channels (7 is not representable).
func BuildConfig(objectType, sampleRate, channels int) ([]byte, error) {
	if objectType <= 0 || objectType >= 31 {
		return nil, fmt.Errorf("rtmp: AAC object type %d outside 1..30", objectType)
	}
	cc := -1
	for i, n := range aacChannels[:8] {
		if n == channels && n > 0 {
			cc = i
		}
	}
	if cc < 0 {
		return nil, fmt.Errorf("rtmp: cannot signal %d AAC channels", channels)
	}
	idx := -1
	for i, r := range aacSampleRates {
		if r == sampleRate {
			idx = i
		}
	}
	if idx >= 0 {
		v := uint16(objectType)<<11 | uint16(idx)<<7 | uint16(cc)<<3
		return []byte{byte(v >> 8), byte(v)}, nil
	}
	if sampleRate <= 0 || sampleRate >= 1<<24 {
		return nil, fmt.Errorf("rtmp: AAC sampling rate %d", sampleRate)
	}
	// 5 bits type, 4 bits 0xF, 24 bits rate, 4 bits channels, 3 bits zero.
	v := uint64(objectType)<<35 | 0xF<<31 | uint64(sampleRate)<<7 | uint64(cc)<<3
	return []byte{byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}, nil
}
