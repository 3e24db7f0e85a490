package encode

import (
	"fmt"
	"time"

	"github.com/seed7c1a73c4/onair/media"
)

// Encoder names accepted in VideoConfig.Encoder.
const (
	EncoderAuto  = "auto"  // first hardware encoder that opens, else the software one (libx264, libx265)
	EncoderX264  = "x264"  // libx264 (software H.264)
	EncoderX265  = "x265"  // libx265 (software HEVC)
	EncoderVAAPI = "vaapi" // h264_vaapi or hevc_vaapi on /dev/dri/renderD128
	EncoderNVENC = "nvenc" // h264_nvenc or hevc_nvenc (NVIDIA)
)

// Limits and defaults of VideoConfig.
const (
	MinVideoSize   = 16
	MaxVideoSize   = 8192
	MaxFPS         = 240
	DefaultKeyInt  = 2 * time.Second
	DefaultPreset  = "veryfast"
	DefaultEncoder = EncoderAuto
)

// VideoConfig sets up a VideoEncoder. Zero values of Codec, KeyInt, Preset
// and Encoder take the defaults; everything else must be set.
type VideoConfig struct {
	Codec         media.Codec   // H.264 (the zero value) or HEVC
	Width, Height int           // output size: even, 16..8192
	FPS           int           // nominal frame rate, 1..240
	Bitrate       int           // target (and maximum) bits per second, > 0
	KeyInt        time.Duration // keyframe interval in presentation time, default 2s
	Preset        string        // x264 or x265 preset (the same names), default "veryfast"
	ZeroLatency   bool          // tune=zerolatency (B-frames still follow BFrames)
	BFrames       int           // maximum consecutive B-frames, 0..16
	Encoder       string        // "auto" (default), "x264" (H.264), "x265" (HEVC), "vaapi" or "nvenc"
	Threads       int           // software encoder threads; 0 lets it choose
}

// withDefaults returns c with its zero fields defaulted, or an error that
// wraps ErrInvalidConfig and says in one sentence what is wrong.
func (c VideoConfig) withDefaults() (VideoConfig, error) {
	if c.KeyInt == 0 {
		c.KeyInt = DefaultKeyInt
	}
	if c.Preset == "" {
		c.Preset = DefaultPreset
	}
	if c.Encoder == "" {
		c.Encoder = DefaultEncoder
	}
	bad := func(format string, a ...any) (VideoConfig, error) {
		return c, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, a...)...)
	}
	if c.Width < MinVideoSize || c.Width > MaxVideoSize || c.Height < MinVideoSize || c.Height > MaxVideoSize ||
		c.Width%2 != 0 || c.Height%2 != 0 {
		return bad("video size %dx%d is not allowed: width and height must be even numbers from %d to %d",
			c.Width, c.Height, MinVideoSize, MaxVideoSize)
	}
	if c.FPS < 1 || c.FPS > MaxFPS {
		return bad("frame rate %d is not allowed: it must be a whole number from 1 to %d", c.FPS, MaxFPS)
	}
	if c.Bitrate <= 0 {
		return bad("video bitrate %d b/s is not allowed: it must be more than 0", c.Bitrate)
	}
	if c.KeyInt < 0 {
		return bad("keyframe interval %s is not allowed: it must be positive", c.KeyInt)
	}
	if c.KeyInt*time.Duration(c.FPS) < time.Second {
		return bad("keyframe interval %s is shorter than one frame at %d fps", c.KeyInt, c.FPS)
	}
	if c.BFrames < 0 || c.BFrames > 16 {
		return bad("%d B-frames is not allowed: it must be from 0 to 16", c.BFrames)
	}
	if !x264Presets[c.Preset] {
		return bad("unknown encoder preset %q: use ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow or placebo", c.Preset)
	}
	if c.Codec != media.CodecH264 && c.Codec != media.CodecHEVC {
		return bad("the studio encodes H.264 and HEVC, not %s", c.Codec.Name())
	}
	switch c.Encoder {
	case EncoderAuto, EncoderVAAPI, EncoderNVENC:
	case EncoderX264, EncoderX265:
		if sw := SoftwareEncoder(c.Codec); c.Encoder != sw {
			return bad("%s does not encode %s: use %s or auto", c.Encoder, c.Codec.Name(), sw)
		}
	default:
		return bad("unknown video encoder %q: use auto, x264 (H.264), x265 (HEVC), vaapi or nvenc", c.Encoder)
	}
	return c, nil
}

// x264Presets are the presets libx264 knows (libx265 knows the same).
var x264Presets = map[string]bool{
	"ultrafast": true, "superfast": true, "veryfast": true, "faster": true, "fast": true,
	"medium": true, "slow": true, "slower": true, "veryslow": true, "placebo": true,
}

// gopFrames is the keyframe interval in frames (at least 1).
func (c VideoConfig) gopFrames() int {
	n := int(c.KeyInt * time.Duration(c.FPS) / time.Second)
	return max(n, 1)
}

// Defaults of AudioConfig.
const (
	DefaultAudioBitrate    = 160000
	DefaultAudioSampleRate = 48000
	DefaultAudioChannels   = 2
)

// AudioConfig sets up an AudioEncoder. Zero fields take the defaults: AAC-LC
// at 160 kb/s, 48 kHz, stereo.
type AudioConfig struct {
	Bitrate    int // bits per second, default 160000
	SampleRate int // output rate, default 48000; one of the AAC rates 8000..96000
	Channels   int // output channels, default 2; 1 or 2
}

// aacRates are the sampling frequencies an AudioSpecificConfig can index.
var aacRates = []int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000}

func (c AudioConfig) withDefaults() (AudioConfig, error) {
	if c.Bitrate == 0 {
		c.Bitrate = DefaultAudioBitrate
	}
	if c.SampleRate == 0 {
		c.SampleRate = DefaultAudioSampleRate
	}
	if c.Channels == 0 {
		c.Channels = DefaultAudioChannels
	}
	if c.Bitrate < 8000 || c.Bitrate > 512000 {
		return c, fmt.Errorf("%w: audio bitrate %d b/s is not allowed: it must be from 8000 to 512000", ErrInvalidConfig, c.Bitrate)
	}
	ok := false
	for _, r := range aacRates {
		ok = ok || r == c.SampleRate
	}
	if !ok {
		return c, fmt.Errorf("%w: audio sample rate %d Hz is not an AAC rate (8000 to 96000, e.g. 44100 or 48000)", ErrInvalidConfig, c.SampleRate)
	}
	if c.Channels != 1 && c.Channels != 2 {
		return c, fmt.Errorf("%w: %d audio channels is not allowed: use 1 or 2", ErrInvalidConfig, c.Channels)
	}
	return c, nil
}
