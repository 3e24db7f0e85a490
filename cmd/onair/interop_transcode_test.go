//go:build interop

package main

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropTranscodeHEVCToH264 is the transcode acceptance of issue 15,
// but for the A/V offset (the HEVC peer sends no audio): gortmplib pushes
// an HEVC camera (640x360, 25 fps) into onair serve, which forwards it to
// nginx-rtmp re-encoded to H.264 at 800 kb/s. What nginx plays out is H.264
// High at 640x360, at 800 kb/s within 10 %, with keyframes exactly 2 s
// apart, and decodes clean.
func TestInteropTranscodeHEVCToH264(t *testing.T) {
	peer := needERTMPPeer(t)
	clip := ertmpClipSized(t, "hevc", "640x360")
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{})
	const rate = 800_000
	srv := startServe(t, "--forward", "live/tcam:h264@800k="+ng.URL("transcoded"))
	pub := startBG(t, peer, "publish", "-url", srv.url("tcam"), "-codec", "hevc", "-in", clip, "-loops", "6")
	testpeer.WaitFor(t, 15*time.Second, "the transcode to start", func() bool {
		return strings.Contains(srv.stderr.String(), "transcoding")
	})
	time.Sleep(500 * time.Millisecond) // nginx has the stream
	out := filepath.Join(t.TempDir(), "nginx.flv")
	rec := testpeer.Record(t, ng.URL("transcoded"), out)
	pub.wait(t, "gortmplib publishing HEVC", 30*time.Second)
	// onair serve stopping ends its forward, nginx's stream and the copy.
	if err := srv.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := rec.Wait(15 * time.Second); err != nil {
		t.Errorf("ffmpeg's copy from nginx: %v\n%s", err, rec.Log())
	}

	probe := testpeer.FFprobe(t, out)
	if v, ok := probe.Stream("video"); !ok || v.CodecName != "h264" || v.Profile != "High" || v.Width != 640 || v.Height != 360 {
		t.Errorf("nginx plays out %+v; want H.264 High 640x360\n%s", probe.Streams, srv.stderr)
	}
	pts, key := testpeer.PacketTimes(t, out, "v")
	var keys []float64
	for i, k := range key {
		if k {
			keys = append(keys, pts[i])
		}
	}
	if len(keys) < 3 {
		t.Fatalf("%d keyframes in %d frames; want one every 2 s", len(keys), len(pts))
	}
	for i := 1; i < len(keys); i++ {
		if d := keys[i] - keys[i-1]; math.Abs(d-2) > 0.001 {
			t.Errorf("keyframes at %.3f and %.3f s: %.3f s apart, want 2", keys[i-1], keys[i], d)
		}
	}
	// The bitrate over whole GOPs, from the first keyframe to the last.
	bits := videoBits(t, out, keys[0], keys[len(keys)-1])
	got := bits / (keys[len(keys)-1] - keys[0])
	t.Logf("H.264 at %.0f kb/s over %.0f s (target %d kb/s); %d frames, keyframes at %v", got/1000, keys[len(keys)-1]-keys[0], rate/1000, len(pts), keys)
	if math.Abs(got-rate) > 0.1*rate {
		t.Errorf("the transcode runs at %.0f kb/s; want %d kb/s within 10 %%", got/1000, rate/1000)
	}
	if e := testpeer.DecodeErrors(t, out); e != "" {
		t.Errorf("decoding what nginx played out reported errors:\n%s", e)
	}
}

// videoBits sums the sizes of the video packets with from <= pts < to.
func videoBits(t *testing.T, path string, from, to float64) float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", "v",
		"-show_entries", "packet=pts_time,size", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe packet sizes: %v", err)
	}
	var sum float64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 2 {
			continue
		}
		pts, err1 := strconv.ParseFloat(f[0], 64)
		size, err2 := strconv.ParseFloat(f[1], 64)
		if err1 == nil && err2 == nil && pts >= from && pts < to {
			sum += 8 * size
		}
	}
	return sum
}
