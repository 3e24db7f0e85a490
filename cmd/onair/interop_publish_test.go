//go:build interop

package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// publishCase is one format published to nginx-rtmp and recorded by ffmpeg.
type publishCase struct {
	width, height, fps int
	bitrate            string
}

// publishAndRecord publishes the test sources for dur to a fresh nginx-rtmp
// while `ffmpeg -c copy` records the stream, and returns the recording.
func publishAndRecord(t *testing.T, c publishCase, dur time.Duration, extra ...string) string {
	t.Helper()
	return publishAndRecordBy(t, runOnair, c, dur, extra...)
}

// publishAndRecordBy is publishAndRecord with the onair that run starts
// (this package's binary, or one installed in a Debian root).
func publishAndRecordBy(t *testing.T, run func(*testing.T, time.Duration, ...string) result, c publishCase, dur time.Duration, extra ...string) string {
	t.Helper()
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{})
	out := filepath.Join(t.TempDir(), "out.flv")
	rec := testpeer.Record(t, ng.URL("test"), out)
	time.Sleep(300 * time.Millisecond) // let the player subscribe first
	args := append([]string{"publish", "--video", "test", "--audio", "test",
		"--size", fmt.Sprintf("%dx%d", c.width, c.height), "--fps", strconv.Itoa(c.fps),
		"--video-bitrate", c.bitrate, "--to", ng.URL("test"), "--duration", dur.String()}, extra...)
	r := run(t, dur+30*time.Second, args...)
	if r.code != 0 {
		t.Fatalf("onair publish exited %d:\n%s\nnginx: %s", r.code, r.stderr, ng.Log())
	}
	if err := rec.Wait(20 * time.Second); err != nil {
		t.Logf("recorder ended with %v: %s", err, rec.Log())
	}
	return out
}

// checkRecording asserts codecs, format, duration, GOP and clean decoding.
func checkRecording(t *testing.T, path string, c publishCase, dur time.Duration) {
	t.Helper()
	p := testpeer.FFprobe(t, path)
	v, ok := p.Stream("video")
	if !ok {
		t.Fatalf("no video stream in %+v", p)
	}
	if v.CodecName != "h264" || v.Profile != "High" || v.Width != c.width || v.Height != c.height || v.PixFmt != "yuv420p" {
		t.Errorf("video = %s %s %dx%d %s, want h264 High %dx%d yuv420p",
			v.CodecName, v.Profile, v.Width, v.Height, v.PixFmt, c.width, c.height)
	}
	if fr := rate(v.RFrameRate); math.Abs(fr-float64(c.fps)) > 0.01 {
		t.Errorf("frame rate %s, want %d", v.RFrameRate, c.fps)
	}
	a, ok := p.Stream("audio")
	if !ok {
		t.Fatalf("no audio stream")
	}
	if a.CodecName != "aac" || a.Profile != "LC" || a.SampleRate != "48000" || a.Channels != 2 {
		t.Errorf("audio = %s %s %s Hz %d ch, want aac LC 48000 Hz 2 ch", a.CodecName, a.Profile, a.SampleRate, a.Channels)
	}
	if d := p.Duration(); math.Abs(d-dur.Seconds()) > 0.5 {
		t.Errorf("duration %.3f s, want %.1f ± 0.5 s", d, dur.Seconds())
	}
	pts, key := testpeer.PacketTimes(t, path, "v")
	var keys []float64
	for i := range pts {
		if key[i] {
			keys = append(keys, pts[i])
		}
	}
	if len(keys) < int(dur/(2*time.Second)) || !key[0] {
		t.Errorf("keyframes at %v (first packet key=%v), want one every 2 s from the start", keys, len(key) > 0 && key[0])
	}
	for i := 1; i < len(keys); i++ {
		if gap := keys[i] - keys[i-1]; math.Abs(gap-2.0) > 0.0005 {
			t.Errorf("keyframes %d and %d are %.3f s apart, want exactly 2.000 s (all: %v)", i-1, i, gap, keys)
			break
		}
	}
	if errs := testpeer.DecodeErrors(t, path); strings.TrimSpace(errs) != "" {
		t.Errorf("ffmpeg -v error printed:\n%s", errs)
	}
}

func rate(s string) float64 {
	n, d, ok := strings.Cut(s, "/")
	a, _ := strconv.ParseFloat(n, 64)
	if !ok {
		return a
	}
	b, _ := strconv.ParseFloat(d, 64)
	if b == 0 {
		return 0
	}
	return a / b
}

// TestInteropPublishNginx is acceptance 1: 720p30 for 10 s to nginx-rtmp.
func TestInteropPublishNginx(t *testing.T) {
	c := publishCase{1280, 720, 30, "4500k"}
	out := publishAndRecord(t, c, 10*time.Second)
	checkRecording(t, out, c, 10*time.Second)
}

// TestInteropPublishFormats is acceptance 2: 1080p60 and 25 fps.
func TestInteropPublishFormats(t *testing.T) {
	for _, c := range []publishCase{{1920, 1080, 60, "6000k"}, {1280, 720, 25, "4000k"}} {
		t.Run(fmt.Sprintf("%dx%d@%d", c.width, c.height, c.fps), func(t *testing.T) {
			out := publishAndRecord(t, c, 10*time.Second)
			checkRecording(t, out, c, 10*time.Second)
		})
	}
}
