//go:build interop

package main

import (
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// renderClip renders 2 s of an ffmpeg test source at size to a Y4M clip.
func renderClip(b *testing.B, source, size string) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), source+"-"+size+".y4m")
	out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", source+"=size="+size+":rate=30",
		"-frames:v", "60", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", path).CombinedOutput()
	if err != nil {
		b.Fatalf("rendering %s: %v %s", path, err, out)
	}
	return path
}

// BenchmarkInteropSceneComposite composes a 1080p30 scene (a screen-sized
// clip, a 720p clip scaled to 25% in a corner, a text) and encodes it
// 1080p30 veryfast to nginx-rtmp in real time; then the ffmpeg CLI does
// the same composition (-filter_complex scale and overlay, the text as the
// same picture) and the same encode. It reports both CPU costs and their
// ratio (the target: at most 1.1).
func BenchmarkInteropSceneComposite(b *testing.B) {
	testpeer.Require(b, "ffmpeg")
	screen := renderClip(b, "testsrc2", "1920x1080")
	camera := renderClip(b, "smptehdbars", "1280x720")
	dir := b.TempDir()
	// The text layer, drawn once by the studio's own renderer, so that
	// both sides lay the same picture.
	title := scene.Source{Kind: scene.KindText, Text: "OnAir Studio", Color: "#FFFFFF", Background: "#000000A0"}
	pic, err := scene.Picture(title, 960, 108)
	if err != nil {
		b.Fatal(err)
	}
	titlePNG := filepath.Join(dir, "title.png")
	f, err := os.Create(titlePNG)
	if err != nil {
		b.Fatal(err)
	}
	if err := png.Encode(f, pic); err != nil {
		b.Fatal(err)
	}
	f.Close()
	file := filepath.Join(dir, "scene.json")
	body := fmt.Sprintf(`{"scenes": [{"name": "Bench", "layers": [
  {"name": "Screen", "source": {"kind": "clip", "path": %q}, "place": {"x": 0, "y": 0, "w": 1, "h": 1}},
  {"name": "Camera", "source": {"kind": "clip", "path": %q}, "place": {"x": 0.75, "y": 0, "w": 0.25, "h": 0.25}},
  {"name": "Title", "source": {"kind": "text", "text": "OnAir Studio", "color": "#FFFFFF", "background": "#000000A0"},
   "place": {"x": 0.05, "y": 0.8, "w": 0.5, "h": 0.1}}]}]}`, screen, camera)
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		b.Fatal(err)
	}
	ng := testpeer.StartNginx(b, testpeer.NginxOptions{})
	secs := benchSeconds()
	dur := time.Duration(secs) * time.Second
	for i := 0; i < b.N; i++ {
		ours := runMeasured(b, onairBin, "publish", "--scene", file, "--audio", "test",
			"--size", "1920x1080", "--fps", "30", "--video-bitrate", "6000k", "--audio-bitrate", "160k",
			"--preset", "veryfast", "--keyint", "2s", "--bframes", "2",
			"--to", ng.URL("ours"), "--duration", dur.String())
		theirs := runMeasured(b, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
			"-re", "-stream_loop", "-1", "-i", screen, "-re", "-stream_loop", "-1", "-i", camera,
			"-loop", "1", "-framerate", "30", "-i", titlePNG,
			"-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
			"-filter_complex", "[1:v]scale=480:270[cam];[0:v][cam]overlay=1440:0[a];[a][2:v]overlay=96:864:shortest=1,format=yuv420p[v]",
			"-t", strconv.Itoa(secs), "-map", "[v]", "-map", "3:a",
			"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-b:v", "6000k", "-maxrate", "6000k",
			"-bufsize", "12000k", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-bf", "2",
			"-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-f", "flv", ng.URL("ffmpeg"))
		frames, dropped, missed, oursCores, theirCores := reportAgainstFFmpeg(b, ours, theirs, dur)
		fmt.Fprintf(os.Stderr, "scene 1080p30 veryfast (1080p clip + 720p clip at 25%% + text) for %ds: onair %.1f%% of a core, RSS %.0f MB, %d frames, %d dropped, %d missed; ffmpeg -filter_complex %.1f%% of a core, RSS %.0f MB; CPU ratio %.2f\n",
			secs, oursCores*100, float64(ours.maxRSS)/(1<<20), frames, dropped, missed,
			theirCores*100, float64(theirs.maxRSS)/(1<<20), oursCores/theirCores)
	}
}
