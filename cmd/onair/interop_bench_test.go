//go:build interop

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// benchSeconds is how long each real-time run lasts: 60 s, or
// $ONAIR_BENCH_SECONDS for a quicker look.
func benchSeconds() int {
	if v, err := strconv.Atoi(os.Getenv("ONAIR_BENCH_SECONDS")); err == nil && v > 0 {
		return v
	}
	return 60
}

// makeBenchClip renders 2 s of testsrc2 at 720p30 to a Y4M clip, so that
// onair and ffmpeg encode exactly the same pictures.
func makeBenchClip(b *testing.B) string {
	b.Helper()
	testpeer.Require(b, "ffmpeg")
	path := filepath.Join(b.TempDir(), "testsrc2-720p.y4m")
	out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
		"-frames:v", "60", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", path).CombinedOutput()
	if err != nil {
		b.Fatalf("rendering the clip: %v %s", err, out)
	}
	return path
}

// procUsage is what one child process cost.
type procUsage struct {
	cpu    time.Duration
	maxRSS int64 // bytes
	stderr string
}

func runMeasured(b *testing.B, name string, args ...string) procUsage {
	b.Helper()
	cmd := exec.Command(name, args...)
	stderr := &testpeer.SyncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v\n%s", name, err, stderr.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return procUsage{cpu: cpu, maxRSS: ru.Maxrss * 1024, stderr: stderr.String()}
}

// reportAgainstFFmpeg reads onair publish's frame counts from its last
// line and reports both programs' CPU (cores) over dur, their ratio and
// the frames onair dropped or missed.
func reportAgainstFFmpeg(b *testing.B, ours, theirs procUsage, dur time.Duration) (frames, dropped, missed int, oursCores, theirCores float64) {
	b.Helper()
	m := endedRe.FindStringSubmatch(ours.stderr)
	if m == nil {
		b.Fatalf("no 'broadcast ended' line in onair's log:\n%s", ours.stderr)
	}
	frames, _ = strconv.Atoi(m[1])
	dropped, _ = strconv.Atoi(m[2])
	missed, _ = strconv.Atoi(m[3])
	oursCores, theirCores = ours.cpu.Seconds()/dur.Seconds(), theirs.cpu.Seconds()/dur.Seconds()
	b.ReportMetric(oursCores, "onair-cores")
	b.ReportMetric(theirCores, "ffmpeg-cores")
	b.ReportMetric(oursCores/theirCores, "cpu-ratio")
	b.ReportMetric(float64(dropped+missed), "dropped-frames")
	return frames, dropped, missed, oursCores, theirCores
}

var endedRe = regexp.MustCompile(`msg="broadcast ended" frames=(\d+) dropped=(\d+) missed=(\d+)`)

// BenchmarkInteropRealtimePublish publishes 720p30 veryfast to nginx-rtmp
// for 60 s, then has ffmpeg do the same job from the same pictures, and
// reports both CPU costs (fraction of one core), our RSS and dropped frames.
func BenchmarkInteropRealtimePublish(b *testing.B) {
	clip := makeBenchClip(b)
	ng := testpeer.StartNginx(b, testpeer.NginxOptions{})
	secs := benchSeconds()
	dur := time.Duration(secs) * time.Second
	for i := 0; i < b.N; i++ {
		ours := runMeasured(b, onairBin, "publish", "--video", "file:"+clip, "--audio", "test",
			"--size", "1280x720", "--fps", "30", "--video-bitrate", "4500k", "--audio-bitrate", "160k",
			"--preset", "veryfast", "--keyint", "2s", "--bframes", "2",
			"--to", ng.URL("ours"), "--duration", dur.String())
		theirs := runMeasured(b, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
			"-re", "-stream_loop", "-1", "-i", clip, "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
			"-t", strconv.Itoa(secs), "-map", "0:v", "-map", "1:a",
			"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-b:v", "4500k", "-maxrate", "4500k",
			"-bufsize", "9000k", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-bf", "2", "-pix_fmt", "yuv420p",
			"-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-f", "flv", ng.URL("ffmpeg"))
		// The clip itself is held in memory (about 83 MB), so RSS is also
		// measured with the built-in test pattern.
		pattern := runMeasured(b, onairBin, "publish", "--video", "test", "--audio", "test",
			"--size", "1280x720", "--fps", "30", "--video-bitrate", "4500k", "--preset", "veryfast",
			"--to", ng.URL("pattern"), "--duration", dur.String())
		frames, dropped, missed, oursCores, theirCores := reportAgainstFFmpeg(b, ours, theirs, dur)
		b.ReportMetric(float64(ours.maxRSS)/(1<<20), "onair-clip-RSS-MB")
		b.ReportMetric(float64(pattern.maxRSS)/(1<<20), "onair-pattern-RSS-MB")
		b.ReportMetric(float64(theirs.maxRSS)/(1<<20), "ffmpeg-RSS-MB")
		b.ReportMetric(float64(frames), "frames")
		fmt.Fprintf(os.Stderr, "real-time 720p30 veryfast for %ds: onair %.1f%% of a core, RSS %.0f MB (test pattern: %.0f MB), %d frames, %d dropped, %d missed; ffmpeg %.1f%% of a core, RSS %.0f MB; CPU ratio %.2f\n",
			secs, oursCores*100, float64(ours.maxRSS)/(1<<20), float64(pattern.maxRSS)/(1<<20), frames, dropped, missed,
			theirCores*100, float64(theirs.maxRSS)/(1<<20), oursCores/theirCores)
	}
}
