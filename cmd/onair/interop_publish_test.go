//go:build interop

package main

import (
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	if m := frameCountsRe.FindStringSubmatch(r.stderr); m != nil {
		encoded, _ := strconv.Atoi(m[1])
		missed, _ := strconv.Atoi(m[2])
		publishCounts.Store(out, publishFrames{encoded, missed})
	}
	return out
}

// publishFrames are what onair publish's last line says of the video frames:
// encoded, and output slots of the frame grid that had no frame because
// capture or the encoder fell behind (the machine was too busy).
type publishFrames struct{ encoded, missed int }

// publishCounts holds the publishFrames of each recording publishAndRecordBy
// made, by path.
var publishCounts sync.Map

var frameCountsRe = regexp.MustCompile(`frames=(\d+) dropped=\d+ missed=(\d+)`)

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
	// Every frame is on the frame grid. When onair encoded every slot of it,
	// the rate is exact; when the machine was too busy for that, every slot
	// is either in the recording or reported missed.
	vpts, _ := testpeer.PacketTimes(t, path, "v")
	if bad := offGrid(vpts, c.fps); bad != "" {
		t.Error(bad)
	}
	vdts := testpeer.PacketDTS(t, path, "v")
	for i := 1; i < len(vdts); i++ {
		if vdts[i] <= vdts[i-1] {
			t.Errorf("video DTS does not increase: %.3f s after %.3f s (packet %d)", vdts[i], vdts[i-1], i)
			break
		}
	}
	counts, reported := publishCounts.Load(path)
	fc, _ := counts.(publishFrames)
	switch {
	case !reported:
		t.Error("onair publish did not report its frame counts (frames=… missed=…)")
	case fc.missed == 0:
		if fr := rate(v.RFrameRate); math.Abs(fr-float64(c.fps)) > 0.01 {
			t.Errorf("frame rate %s, want %d", v.RFrameRate, c.fps)
		}
	default:
		t.Logf("the machine was too busy for %dx%d@%d: onair reported %d of the frame grid's slots missed", c.width, c.height, c.fps, fc.missed)
	}
	if reported {
		slots := fc.encoded + fc.missed
		if want := int(dur.Seconds() * float64(c.fps) * 0.97); slots < want {
			t.Errorf("onair accounted for %d frame slots (%d encoded, %d missed); want at least %d", slots, fc.encoded, fc.missed, want)
		}
		if got := len(vpts); got < fc.encoded-c.fps/2 || got > fc.encoded {
			t.Errorf("the recording holds %d frames; onair encoded %d", got, fc.encoded)
		}
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
	if bad := misplacedKeyframes(pts, key, 2.0); bad != "" {
		t.Errorf("%s (keyframes at %v)", bad, keys)
	}
	if errs := testpeer.DecodeErrors(t, path); strings.TrimSpace(errs) != "" {
		t.Errorf("ffmpeg -v error printed:\n%s", errs)
	}
}

// offGrid says which frame, if any, is not on the fps frame grid (within
// the 1 ms of FLV timestamps) or not after the one before it.
func offGrid(pts []float64, fps int) string {
	sorted := slices.Clone(pts)
	slices.Sort(sorted)
	for i, p := range sorted {
		slot := p * float64(fps)
		if math.Abs(slot-math.Round(slot))/float64(fps) > 0.0011 {
			return fmt.Sprintf("the frame at %.4f s is off the %d fps grid", p, fps)
		}
		if i > 0 && math.Round(slot) <= math.Round(sorted[i-1]*float64(fps)) {
			return fmt.Sprintf("two frames in the grid slot at %.4f s", p)
		}
	}
	return ""
}

// misplacedKeyframes checks the GOP against the presentation times: the
// keyframe of every interval is the first frame at or after its boundary
// (first keyframe + k·interval), and no other frame is a keyframe. It says
// what is wrong, or "". A frame the source dropped under load moves the
// keyframe to the next frame, as it should; a clock that drifts, or a
// keyframe forced by anything else, fails.
func misplacedKeyframes(pts []float64, key []bool, interval float64) string {
	type frame struct {
		pts float64
		key bool
	}
	frames := make([]frame, len(pts))
	for i := range pts {
		frames[i] = frame{pts[i], key[i]}
	}
	slices.SortStableFunc(frames, func(a, b frame) int { return cmp.Compare(a.pts, b.pts) })
	if len(frames) == 0 || !frames[0].key {
		return "the first frame is not a keyframe"
	}
	start, next := frames[0].pts, 1
	for _, f := range frames[1:] {
		boundary := start + float64(next)*interval - 0.0005
		switch {
		case f.pts >= boundary && !f.key:
			return fmt.Sprintf("the frame at %.3f s, the first after the %.0f s boundary, is not a keyframe", f.pts, float64(next)*interval)
		case f.pts >= boundary:
			next++
		case f.key:
			return fmt.Sprintf("a keyframe at %.3f s, before the %.0f s boundary", f.pts, float64(next)*interval)
		}
	}
	return ""
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

// The GOP check itself: a keyframe one frame late because the frame at the
// boundary was dropped passes; a keyframe missing at a boundary, or one in
// the middle of a GOP, fails.
func TestInteropKeyframeCheck(t *testing.T) {
	frames := func(drop float64, extraKey float64) ([]float64, []bool) {
		var pts []float64
		var key []bool
		for i := 0; i < 360; i++ { // 6 s at 60 fps
			p := float64(i) / 60
			if math.Abs(p-drop) < 1e-9 {
				continue
			}
			pts = append(pts, p)
			key = append(key, len(key) == 0 || (len(pts) > 1 && math.Floor(p/2) > math.Floor(pts[len(pts)-2]/2)) || math.Abs(p-extraKey) < 1e-9)
		}
		return pts, key
	}
	pts0, key0 := frames(-1, -1)
	if bad := misplacedKeyframes(pts0, key0, 2.0); bad != "" {
		t.Errorf("a regular GOP: %s", bad)
	}
	pts1, key1 := frames(2.0, -1)
	if bad := misplacedKeyframes(pts1, key1, 2.0); bad != "" {
		t.Errorf("the boundary frame dropped, the next one key: %s", bad)
	}
	pts2, key2 := frames(-1, 3.0)
	if bad := misplacedKeyframes(pts2, key2, 2.0); bad == "" {
		t.Error("a keyframe in the middle of a GOP passed")
	}
	pts, key := frames(-1, -1)
	key[120] = false // the frame at 2.000 s
	if bad := misplacedKeyframes(pts, key, 2.0); bad == "" {
		t.Error("a missing keyframe passed")
	}
}
