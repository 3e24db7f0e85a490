//go:build interop

package main

import (
	"context"
	"fmt"
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

// TestInteropTranscodeHEVCToH264 is the transcode acceptance of issue 15:
// gortmplib pushes an HEVC camera (640x360, 25 fps, a white flash each
// second) with AAC audio (a beep each second) into onair serve, which
// forwards it to nginx-rtmp with the video re-encoded to H.264 at 800 kb/s,
// and at 400 kb/s under another name. What nginx plays out is H.264 High
// at 640x360, at 800 kb/s within 10 %, with keyframes exactly 2 s apart,
// every flash within one frame of its beep, and it decodes clean; the
// second is H.264 at 400 kb/s within 10 %; and onair serve read the camera
// once for both.
func TestInteropTranscodeHEVCToH264(t *testing.T) {
	peer := needERTMPPeer(t)
	clip, aac := flashBeepClip(t)
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{})
	const rate, lowRate = 800_000, 400_000
	httpAddr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))
	srv := startServe(t, "--http", httpAddr, "--forward", "live/tcam:h264@800k="+ng.URL("transcoded"),
		"--forward", "live/tcam:h264@400k="+ng.URL("low"))
	pub := startBG(t, peer, "publish", "-url", srv.url("tcam"), "-codec", "hevc", "-in", clip, "-audio", aac)
	testpeer.WaitFor(t, 15*time.Second, "the transcode to start", func() bool {
		return strings.Count(srv.stderr.String(), "msg=transcoding") == 2
	})
	time.Sleep(500 * time.Millisecond) // nginx has the streams
	dir := t.TempDir()
	out, lowOut := filepath.Join(dir, "nginx.flv"), filepath.Join(dir, "low.flv")
	rec, lowRec := testpeer.Record(t, ng.URL("transcoded"), out), testpeer.Record(t, ng.URL("low"), lowOut)
	if st, ok := serveStream(t, httpAddr, "live/tcam"); !ok || st.Players != 1 {
		t.Errorf("onair serve has %d readers of the camera (listed: %v), want 1 for both re-encodes", st.Players, ok)
	}
	pub.wait(t, "gortmplib publishing HEVC", 30*time.Second)
	// onair serve stopping ends its forward, nginx's stream and the copy.
	if err := srv.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := rec.Wait(15 * time.Second); err != nil {
		t.Errorf("ffmpeg's copy from nginx: %v\n%s", err, rec.Log())
	}
	if err := lowRec.Wait(15 * time.Second); err != nil {
		t.Errorf("ffmpeg's copy of the 400 kb/s stream from nginx: %v\n%s", err, lowRec.Log())
	}
	checkLowRate(t, lowOut, lowRate)

	probe := testpeer.FFprobe(t, out)
	if v, ok := probe.Stream("video"); !ok || v.CodecName != "h264" || v.Profile != "High" || v.Width != 640 || v.Height != 360 {
		t.Errorf("nginx plays out %+v; want H.264 High 640x360\n%s", probe.Streams, srv.stderr)
	}
	frames, keys := keyframeTimes(t, out)
	for i := 1; i < len(keys); i++ {
		if d := keys[i] - keys[i-1]; math.Abs(d-2) > 0.001 {
			t.Errorf("keyframes at %.3f and %.3f s: %.3f s apart, want 2", keys[i-1], keys[i], d)
		}
	}
	// The bitrate over whole GOPs, from the first keyframe to the last.
	bits := videoBits(t, out, keys[0], keys[len(keys)-1])
	got := bits / (keys[len(keys)-1] - keys[0])
	t.Logf("H.264 at %.0f kb/s over %.0f s (target %d kb/s); %d frames, keyframes at %v", got/1000, keys[len(keys)-1]-keys[0], rate/1000, frames, keys)
	if math.Abs(got-rate) > 0.1*rate {
		t.Errorf("the transcode runs at %.0f kb/s; want %d kb/s within 10 %%", got/1000, rate/1000)
	}
	flashes, beeps := flashTimes(t, out), beepOnsets(t, out)
	if len(flashes) < 8 || len(beeps) < 8 {
		t.Fatalf("%d flashes and %d beeps in what nginx played out; want about 11 of each", len(flashes), len(beeps))
	}
	const frame = 1.0 / 25
	worst := 0.0
	for _, f := range flashes {
		if best := beepOffset(beeps, f); math.Abs(best) > math.Abs(worst) {
			worst = best
		}
	}
	t.Logf("A/V: %d flashes, %d beeps, the worst beep %+.1f ms from its flash", len(flashes), len(beeps), worst*1000)
	if math.Abs(worst) > frame {
		t.Errorf("a beep is %+.1f ms from its flash; want within one frame (%.0f ms)", worst*1000, frame*1000)
	}
	if e := testpeer.DecodeErrors(t, out); e != "" {
		t.Errorf("decoding what nginx played out reported errors:\n%s", e)
	}
}

// checkLowRate checks the second output of the transcode: H.264 whose
// bitrate over whole GOPs is rate within 10 %.
func checkLowRate(t *testing.T, path string, rate float64) {
	t.Helper()
	probe := testpeer.FFprobe(t, path)
	if v, ok := probe.Stream("video"); !ok || v.CodecName != "h264" {
		t.Fatalf("nginx plays out %+v as the second output; want H.264", v)
	}
	_, keys := keyframeTimes(t, path)
	got := videoBits(t, path, keys[0], keys[len(keys)-1]) / (keys[len(keys)-1] - keys[0])
	t.Logf("the second output: H.264 at %.0f kb/s (target %.0f kb/s)", got/1000, rate/1000)
	if math.Abs(got-rate) > 0.1*rate {
		t.Errorf("the second output runs at %.0f kb/s; want %.0f kb/s within 10 %%", got/1000, rate/1000)
	}
}

// keyframeTimes returns how many video frames a file has and the times of
// its keyframes, failing the test with fewer than 3 (one every 2 s).
func keyframeTimes(t *testing.T, path string) (frames int, keys []float64) {
	t.Helper()
	pts, key := testpeer.PacketTimes(t, path, "v")
	for i, k := range key {
		if k {
			keys = append(keys, pts[i])
		}
	}
	if len(keys) < 3 {
		t.Fatalf("%s: %d keyframes in %d frames; want one every 2 s", filepath.Base(path), len(keys), len(pts))
	}
	return len(pts), keys
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

// flashBeepClip encodes 12 s for the HEVC peer: 640x360 black at 25 fps
// with one white frame at each whole second (HEVC, a keyframe each second)
// and a 1 kHz beep for the first 100 ms of each second (AAC in ADTS).
// ffmpeg's filters evaluate "enable" once a frame of 1024 samples, which
// puts a volume-gated beep up to 21 ms late: the beep is computed per sample.
func flashBeepClip(t *testing.T) (video, audio string) {
	t.Helper()
	dir := t.TempDir()
	video, audio = filepath.Join(dir, "flash.hevc"), filepath.Join(dir, "beep.aac")
	cmd := exec.Command(testpeer.Require(t, "ffmpeg"), "-hide_banner", "-loglevel", "error", "-nostdin",
		"-t", "12", "-f", "lavfi", "-i", "color=c=black:s=640x360:r=25,drawbox=c=white:t=fill:enable='lt(mod(t\\,1)\\,0.04)'",
		// Sample-exact, and 1024 samples early: the AAC encoder's priming
		// delays what a decoder puts out by that much, and ADTS cannot say so.
		"-t", "12", "-f", "lavfi", "-i", "aevalsrc=exprs='if(lt(mod(t+1024/48000\\,1)\\,0.1)\\,0.5*sin(2*PI*1000*t)\\,0)':s=48000",
		"-map", "0:v", "-c:v", "libx265", "-x265-params", "log-level=error:keyint=25:bframes=0:aud=1:repeat-headers=1",
		"-pix_fmt", "yuv420p", "-f", "hevc", video, "-map", "1:a", "-c:a", "aac", "-b:a", "128k", "-f", "adts", audio)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("encoding the flash and beep clip: %v\n%s", err, b)
	}
	return video, audio
}
