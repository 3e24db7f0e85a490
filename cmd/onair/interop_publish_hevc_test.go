//go:build interop

package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// hevcSentRe reads frames=N and video_bytes=N from publish's last line.
var hevcSentRe = regexp.MustCompile(`frames=(\d+) .*video_bytes=(\d+)`)

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// TestInteropPublishHEVC is issue 15's "publish can send HEVC": onair
// publish --codec hevc encodes with libx265 and sends Enhanced RTMP to onair
// serve. gortmplib (another Enhanced RTMP implementation) plays it back and
// ffprobe sees HEVC at the size asked, which decodes clean; the server's
// recording and publish's own --record are MP4 with an hvc1 track that
// plays.
func TestInteropPublishHEVC(t *testing.T) {
	peer := needERTMPPeer(t)
	recDir := t.TempDir()
	srv := startServe(t, "--record", recDir)
	own := filepath.Join(t.TempDir(), "own.mp4")
	pub := startBG(t, onairBin, "publish", "--codec", "hevc", "--preset", "superfast", "--size", "640x360", "--fps", "30",
		"--video-bitrate", "800k", "--to", srv.url("hevc"), "--duration", "6s", "--record", own)
	played := filepath.Join(t.TempDir(), "played.hevc")
	play := startBG(t, peer, "play", "-url", srv.url("hevc"), "-out", played, "-frames", "60", "-timeout", "30s")
	play.wait(t, "gortmplib playing onair's HEVC", 40*time.Second)
	pub.wait(t, "onair publish --codec hevc", 60*time.Second)
	if !strings.Contains(pub.out.String(), "encoder=libx265") {
		t.Errorf("onair publish does not say it encodes with libx265:\n%s", pub.out)
	}
	// Constant bitrate, as for H.264: x265's strict CBR pads the simple
	// test pattern with filler data up to the rate asked. The rate is per
	// frame encoded (30 a second), so frames a busy machine skips do not
	// count against it.
	if m := hevcSentRe.FindStringSubmatch(pub.out.String()); m == nil {
		t.Errorf("no frames and video_bytes in publish's last line:\n%s", pub.out)
	} else if secs, bytes := atof(m[1])/30, atof(m[2]); secs <= 0 || bytes*8/secs < 0.8*800e3 || bytes*8/secs > 1.1*800e3 {
		t.Errorf("HEVC sent at %.0f kb/s over %.1f s of frames; want 800 kb/s, -20 %% (the VBV fills first) to +10 %%", bytes*8/secs/1000, secs)
	} else {
		t.Logf("HEVC sent at %.0f kb/s over %.1f s of frames", bytes*8/secs/1000, secs)
	}
	probe := testpeer.FFprobe(t, played)
	if v, ok := probe.Stream("video"); !ok || v.CodecName != "hevc" || v.Width != 640 || v.Height != 360 {
		t.Errorf("gortmplib played: %+v; want hevc 640x360\n%s", probe.Streams, play.out)
	}
	if e := testpeer.DecodeErrors(t, played); e != "" {
		t.Errorf("decoding what gortmplib played reported errors:\n%s", e)
	}

	testpeer.WaitFor(t, 15*time.Second, "the server to save its recording", func() bool {
		return strings.Contains(srv.stderr.String(), "recording saved")
	})
	saved, _ := filepath.Glob(filepath.Join(recDir, "live-hevc-*.mp4"))
	if len(saved) != 1 {
		t.Fatalf("server recordings %v; want one\n%s", saved, srv.stderr)
	}
	for _, f := range []string{saved[0], own} {
		probe := testpeer.FFprobe(t, f)
		if v, ok := probe.Stream("video"); !ok || v.CodecName != "hevc" || v.CodecTag != "hvc1" || v.Width != 640 || v.Height != 360 {
			t.Errorf("%s: %+v; want hevc (hvc1) 640x360", filepath.Base(f), probe.Streams)
		}
		if a, ok := probe.Stream("audio"); !ok || a.CodecName != "aac" {
			t.Errorf("%s: no AAC track: %+v", filepath.Base(f), probe.Streams)
		}
		if d := probe.Duration(); d < 4.5 || d > 7 {
			t.Errorf("%s lasts %.2f s; want about the 6 s published", filepath.Base(f), d)
		}
		if e := testpeer.DecodeErrors(t, f); e != "" {
			t.Errorf("decoding %s reported errors:\n%s", filepath.Base(f), e)
		}
	}
	if t.Failed() {
		t.Logf("onair publish:\n%s\nonair serve:\n%s", pub.out, srv.stderr)
	}
}
