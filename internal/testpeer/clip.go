package testpeer

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Clip describes a camera-like FLV clip: H.264 High (B-frames, a keyframe
// every 2 s) and AAC, made once by ffmpeg so that tests can push it with
// -c copy at almost no CPU cost.
type Clip struct {
	Size         string // e.g. "640x360"
	Seconds      int
	VideoBitrate string // e.g. "1000k"
}

// EncodeClip renders c from testsrc2 and a 440 Hz tone into a new FLV file.
func EncodeClip(t testing.TB, c Clip) string {
	t.Helper()
	Require(t, "ffmpeg")
	path := filepath.Join(t.TempDir(), "camera-"+c.Size+".flv")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-nostdin",
		"-f", "lavfi", "-i", "testsrc2=size="+c.Size+":rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", strconv.Itoa(c.Seconds), "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
		"-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-b:v", c.VideoBitrate, "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "128k", "-f", "flv", path).CombinedOutput()
	if err != nil {
		t.Fatalf("encoding the %s clip: %v\n%s", c.Size, err, out)
	}
	return path
}

// FrameSum is one video packet as `ffmpeg -f framemd5` lists it.
type FrameSum struct {
	DTS, PTS int64
	Size     int
	Hash     string
}

// VideoFrameMD5 lists the video packets of input, copied without decoding
// (`ffmpeg -i input -map 0:v -c copy -f framemd5 -`).
func VideoFrameMD5(t testing.TB, input string) []FrameSum {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-nostdin", "-i", input,
		"-map", "0:v", "-c", "copy", "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatalf("framemd5 of %s: %v %s", input, err, exitStderr(err))
	}
	var sums []FrameSum
	for _, line := range strings.Split(string(out), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) < 6 {
			t.Fatalf("framemd5 line %q", line)
		}
		var s FrameSum
		s.DTS, _ = strconv.ParseInt(strings.TrimSpace(f[1]), 10, 64)
		s.PTS, _ = strconv.ParseInt(strings.TrimSpace(f[2]), 10, 64)
		s.Size, _ = strconv.Atoi(strings.TrimSpace(f[4]))
		s.Hash = strings.TrimSpace(f[5])
		sums = append(sums, s)
	}
	return sums
}
