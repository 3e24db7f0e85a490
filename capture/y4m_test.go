package capture

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// makeClip renders a short clip with the ffmpeg CLI.
func makeClip(t *testing.T, frames int) string {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatal("ffmpeg is not installed: run `make deps` or `apt-get install ffmpeg`")
	}
	path := filepath.Join(t.TempDir(), "clip.y4m")
	out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=30",
		"-frames:v", strconv.Itoa(frames), "-pix_fmt", "yuv420p",
		"-f", "yuv4mpegpipe", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	return path
}

func TestClipSourceLoopsOnTheGrid(t *testing.T) {
	path := makeClip(t, 3)
	clock := NewClock()
	src, err := OpenVideo("file:"+path, VideoConstraints{Width: 64, Height: 48, FPS: 30}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var first VideoFrame
	for i := 0; i < 7; i++ {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = f
		}
		if want := gridTime(gridFloor(first.Time, 30)+int64(i), 30); f.Time != want {
			t.Fatalf("frame %d at %v, want %v", i, f.Time, want)
		}
		if b := f.Image.Bounds(); b.Dx() != 64 || b.Dy() != 48 {
			t.Fatalf("frame size %v", b)
		}
		if i == 3 && f.Image != first.Image {
			t.Fatal("the clip did not loop after 3 frames")
		}
		f.Release()
	}
}

func TestClipSourceRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"notclip.y4m":   "hello\n",
		"yuv444.y4m":    "YUV4MPEG2 W4 H4 F30:1 C444\nFRAME\n",
		"truncated.y4m": "YUV4MPEG2 W4 H4 F30:1 C420jpeg\nFRAME\nabc",
		"empty.y4m":     "YUV4MPEG2 W4 H4 F30:1 C420jpeg\n",
	}
	for name, content := range cases {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		if _, err := OpenVideo("file:"+p, VideoConstraints{Width: 64, Height: 48, FPS: 30}, NewClock(), nil); err == nil {
			t.Errorf("%s: opened, want an error", name)
		}
	}
	if _, err := OpenVideo("file:"+filepath.Join(dir, "missing.y4m"), VideoConstraints{Width: 64, Height: 48, FPS: 30}, NewClock(), nil); err == nil {
		t.Error("a missing file opened")
	}
}
