package program

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
)

// OutputConfig is what the program is encoded as.
type OutputConfig struct {
	Width, Height int
	FPS           int
	VideoBitrate  int // bits per second
	AudioBitrate  int // bits per second
	KeyInt        time.Duration
	Preset        string
	ZeroLatency   bool
	BFrames       int
	Encoder       string // auto, x264, x265, vaapi, nvenc
	Codec         string // h264 (also when empty, as in settings saved before HEVC) or hevc
}

// DefaultOutput returns 720p30 at 4.5 Mb/s with 160 kb/s AAC and a 2 s GOP.
func DefaultOutput() OutputConfig {
	return OutputConfig{
		Width: 1280, Height: 720, FPS: 30,
		VideoBitrate: 4_500_000, AudioBitrate: 160_000,
		KeyInt: 2 * time.Second, Preset: "veryfast", BFrames: 2, Encoder: "auto", Codec: CodecH264,
	}
}

// x264Presets are the preset names libx264 accepts.
var x264Presets = []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"}

// Encoders are the values accepted for OutputConfig.Encoder: auto (the GPU's
// encoder where there is one, else the software one), x264 (software H.264),
// x265 (software HEVC), vaapi and nvenc.
var Encoders = []string{"auto", "x264", "x265", "vaapi", "nvenc"}

// The values of OutputConfig.Codec.
const (
	CodecH264 = "h264"
	CodecHEVC = "hevc"
)

// Codecs are the values accepted for OutputConfig.Codec.
var Codecs = []string{CodecH264, CodecHEVC}

// VideoCodec returns the codec the output is encoded in.
func (o OutputConfig) VideoCodec() media.Codec {
	if o.Codec == CodecHEVC {
		return media.CodecHEVC
	}
	return media.CodecH264
}

// SoftwareEncoder names the software encoder of codec (h264 or hevc):
// x264 or x265.
func SoftwareEncoder(codec string) string {
	return encode.SoftwareEncoder(OutputConfig{Codec: codec}.VideoCodec())
}

// Validate checks every field and returns all problems, one sentence each.
func (o OutputConfig) Validate() error {
	var errs []error
	switch {
	case o.Width <= 0 || o.Height <= 0:
		errs = append(errs, fmt.Errorf("the output size %dx%d is empty: use e.g. 1280x720", o.Width, o.Height))
	case o.Width < 16 || o.Height < 16 || o.Width > 8192 || o.Height > 8192:
		errs = append(errs, fmt.Errorf("the output size %dx%d is outside 16x16 to 8192x8192", o.Width, o.Height))
	case o.Width%2 != 0 || o.Height%2 != 0:
		errs = append(errs, fmt.Errorf("the output size %dx%d must have an even width and height", o.Width, o.Height))
	}
	if o.FPS < 1 || o.FPS > 240 {
		errs = append(errs, fmt.Errorf("the frame rate %d is outside 1 to 240 fps", o.FPS))
	}
	if o.VideoBitrate < 100_000 || o.VideoBitrate > 100_000_000 {
		errs = append(errs, fmt.Errorf("the video bitrate %s is outside 100k to 100M", FormatBitrate(o.VideoBitrate)))
	}
	if o.AudioBitrate < 32_000 || o.AudioBitrate > 512_000 {
		errs = append(errs, fmt.Errorf("the audio bitrate %s is outside 32k to 512k", FormatBitrate(o.AudioBitrate)))
	}
	if o.KeyInt < 250*time.Millisecond || o.KeyInt > 20*time.Second {
		errs = append(errs, fmt.Errorf("the keyframe interval %s is outside 0.25s to 20s", o.KeyInt))
	} else if o.FPS > 0 && (o.KeyInt*time.Duration(o.FPS))%time.Second != 0 {
		errs = append(errs, fmt.Errorf("the keyframe interval %s is not a whole number of frames at %d fps", o.KeyInt, o.FPS))
	}
	if !contains(x264Presets, o.Preset) {
		errs = append(errs, fmt.Errorf("unknown preset %q: use one of %s", o.Preset, strings.Join(x264Presets, ", ")))
	}
	if o.BFrames < 0 || o.BFrames > 16 {
		errs = append(errs, fmt.Errorf("B-frames %d is outside 0 to 16", o.BFrames))
	}
	if o.Codec != "" && !contains(Codecs, o.Codec) {
		errs = append(errs, fmt.Errorf("unknown video codec %q: use h264 or hevc", o.Codec))
	}
	switch sw := SoftwareEncoder(o.Codec); {
	case !contains(Encoders, o.Encoder):
		errs = append(errs, fmt.Errorf("unknown encoder %q: use one of %s", o.Encoder, strings.Join(Encoders, ", ")))
	case (o.Encoder == "x264" || o.Encoder == "x265") && o.Encoder != sw:
		errs = append(errs, fmt.Errorf("the %s encoder does not make %s: choose %s or auto", o.Encoder, o.VideoCodec().Name(), sw))
	}
	return errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
