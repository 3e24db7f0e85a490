package encode

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/media"
)

func TestVideoConfigRejected(t *testing.T) {
	ok := testVideoConfig()
	cases := map[string]struct {
		mod  func(*VideoConfig)
		want string
	}{
		"0x0":            {func(c *VideoConfig) { c.Width, c.Height = 0, 0 }, "video size 0x0 is not allowed"},
		"7x7":            {func(c *VideoConfig) { c.Width, c.Height = 7, 7 }, "video size 7x7 is not allowed"},
		"100000x100000":  {func(c *VideoConfig) { c.Width, c.Height = 100000, 100000 }, "video size 100000x100000"},
		"odd":            {func(c *VideoConfig) { c.Width = 321 }, "must be even"},
		"bitrate 0":      {func(c *VideoConfig) { c.Bitrate = 0 }, "video bitrate 0 b/s"},
		"fps 0":          {func(c *VideoConfig) { c.FPS = 0 }, "frame rate 0"},
		"fps 241":        {func(c *VideoConfig) { c.FPS = 241 }, "frame rate 241"},
		"bframes":        {func(c *VideoConfig) { c.BFrames = -1 }, "B-frames"},
		"keyint":         {func(c *VideoConfig) { c.KeyInt = time.Millisecond }, "shorter than one frame"},
		"preset":         {func(c *VideoConfig) { c.Preset = "warp" }, `unknown encoder preset "warp"`},
		"unknown engine": {func(c *VideoConfig) { c.Encoder = "h265" }, `unknown video encoder "h265"`},
		"x265 for H.264": {func(c *VideoConfig) { c.Encoder = EncoderX265 }, "x265 does not encode H.264: use x264"},
		"x264 for HEVC":  {func(c *VideoConfig) { c.Codec, c.Encoder = media.CodecHEVC, EncoderX264 }, "x264 does not encode HEVC: use x265"},
		"AV1":            {func(c *VideoConfig) { c.Codec = media.CodecAV1 }, "encodes H.264 and HEVC, not AV1"},
	}
	for name, tc := range cases {
		cfg := ok
		tc.mod(&cfg)
		e, err := NewVideoEncoder(cfg, nil)
		if err == nil {
			e.Close()
			t.Fatalf("%s: accepted", name)
		}
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: error %q, want ErrInvalidConfig saying %q", name, err, tc.want)
		}
	}
}

func TestVideoAutoFallsBackToX264(t *testing.T) {
	log, logs := newTestLogger()
	cfg := testVideoConfig()
	cfg.Encoder = "" // auto
	e, err := NewVideoEncoder(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Name() != "libx264" {
		t.Skipf("this machine has a working hardware encoder (%s)", e.Name())
	}
	if !strings.Contains(logs.String(), "level=INFO msg=\"no hardware H.264 encoder found; using libx264\"") {
		t.Fatalf("fallback not logged at Info:\n%s", logs)
	}
}

func TestVideoAutoTriesEveryHardwareEncoderBeforeX264(t *testing.T) {
	saved := hardwareBackends
	defer func() { hardwareBackends = saved }()
	hardwareBackends = nil
	for _, b := range saved {
		b.node = "/dev/null" // pretend the device is there: the open itself must fail
		hardwareBackends = append(hardwareBackends, b)
	}
	for _, tc := range []struct {
		codec           media.Codec
		software, tried string
	}{
		{media.CodecH264, "libx264", "h264_vaapi, h264_nvenc"},
		{media.CodecHEVC, "libx265", "hevc_vaapi, hevc_nvenc"},
	} {
		log, logs := newTestLogger()
		cfg := testVideoConfig()
		cfg.Encoder, cfg.Codec = EncoderAuto, tc.codec
		e, err := NewVideoEncoder(cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		e.Close()
		if e.Name() != tc.software {
			t.Skipf("this machine has a working hardware encoder (%s)", e.Name())
		}
		if n := logs.count("hardware " + tc.codec.Name() + " encoder not usable"); n != 2 {
			t.Fatalf("%s: %d hardware encoders reported unusable, want 2:\n%s", tc.codec.Name(), n, logs)
		}
		if !strings.Contains(logs.String(), `tried="`+tc.tried+`"`) || !strings.Contains(logs.String(), "using "+tc.software) {
			t.Fatalf("%s: the fallback does not say what it tried and what it uses:\n%s", tc.codec.Name(), logs)
		}
	}
}

func TestVideoExplicitHardwareFailsClearly(t *testing.T) {
	for _, name := range []string{EncoderVAAPI, EncoderNVENC} {
		cfg := testVideoConfig()
		cfg.Encoder = name
		e, err := NewVideoEncoder(cfg, nil)
		if err == nil {
			e.Close()
			t.Logf("%s opened on this machine: %s", name, e.Name())
			continue
		}
		if !errors.Is(err, ErrEncoderUnavailable) || !strings.Contains(err.Error(), "the "+name+" H.264 encoder") {
			t.Fatalf("%s: error %q", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
}

func TestVideoCloseTwiceAndConcurrently(t *testing.T) {
	e := newTestVideo(t, testVideoConfig())
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Encode(movingYCbCr(32, 32, 0), 0, func(media.Packet) {}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Encode after Close: %v", err)
	}
	if err := e.Flush(func(media.Packet) {}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after Close: %v", err)
	}

	e2 := newTestVideo(t, testVideoConfig())
	img := movingYCbCr(320, 180, 0)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if err := e2.Encode(img, time.Duration(i)*time.Second/30, func(media.Packet) {}); err != nil {
				if !errors.Is(err, ErrClosed) {
					t.Errorf("Encode: %v", err)
				}
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	e2.ForceKeyFrame()
	e2.Close()
	wg.Wait()
}

func TestVideoSteadyStateAllocations(t *testing.T) {
	cfg := testVideoConfig()
	cfg.BFrames = 0
	cfg.ZeroLatency = true // one packet out per frame in
	e := newTestVideo(t, cfg)
	frames := movingFrames(320, 180, 10)
	i := 0
	out := 0
	emit := func(p media.Packet) { out++ }
	step := func() {
		if err := e.Encode(frames[i%10], time.Duration(i)*time.Second/30, emit); err != nil {
			t.Fatal(err)
		}
		i++
	}
	for range 30 {
		step()
	}
	allocs := testing.AllocsPerRun(100, step)
	t.Logf("%.2f Go allocations per frame (%d packets for %d frames)", allocs, out, i)
	if allocs > 1 {
		t.Fatalf("%.2f allocations per frame, want at most 1 (the packet copy)", allocs)
	}
}
