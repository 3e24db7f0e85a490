package encode

import (
	"image"
	"testing"
)

// The video bitrate is constant, as platforms ask (x264's nal-hrd=cbr,
// which fills with filler NAL units): a simple picture, such as the test
// pattern's, is sent at the bitrate asked for, not far below it. The rate
// is measured in bytes per second of media, so the machine's speed does
// not matter.
func TestVideoBitrateIsConstant(t *testing.T) {
	cfg := testVideoConfig()
	cfg.Bitrate = 1_000_000
	const seconds = 6
	for _, tc := range []struct {
		name   string
		frames []*image.YCbCr
	}{
		{"a still picture", []*image.YCbCr{solidYCbCr(cfg.Width, cfg.Height, 120, 90, 200)}},
		{"a moving picture", movingFrames(cfg.Width, cfg.Height, 30)},
	} {
		e := newTestVideo(t, cfg)
		pkts := encodeFrames(t, e, cfg.FPS, seq(seconds*cfg.FPS), tc.frames)
		var bytes int
		for _, p := range pkts {
			if !p.Header {
				bytes += len(p.Data)
			}
		}
		got := float64(bytes*8) / seconds
		t.Logf("%s, %d frames at %d b/s: %.0f b/s (%.0f%%)", tc.name, seconds*cfg.FPS, cfg.Bitrate, got, got/float64(cfg.Bitrate)*100)
		if got < 0.9*float64(cfg.Bitrate) || got > 1.1*float64(cfg.Bitrate) {
			t.Errorf("%s: %.0f b/s of video for a constant %d b/s; want within 10%%", tc.name, got, cfg.Bitrate)
		}
	}
}
