//go:build interop

package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// sceneFile writes a scene file into dir and returns its path.
func sceneFile(t *testing.T, dir, json string) string {
	t.Helper()
	path := filepath.Join(dir, "scene.json")
	if err := os.WriteFile(path, []byte(json), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeLogo writes a 64x64 PNG: the left half opaque orange, the right
// half fully transparent.
func writeLogo(t *testing.T, path string) {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 32; x++ {
			o := m.PixOffset(x, y)
			copy(m.Pix[o:o+4], []byte{255, 128, 0, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, m); err != nil {
		t.Fatal(err)
	}
}

// ycbcr709 is r, g, b as BT.709 video-range Y, Cb, Cr: what the studio
// encodes a colour layer as.
func ycbcr709(r, g, b float64) [3]int {
	y := 0.2126*r + 0.7152*g + 0.0722*b
	return [3]int{
		int(16 + 219*y/255 + 0.5),
		int(128 + 224*(b-y)/1.8556/255 + 0.5),
		int(128 + 224*(r-y)/1.5748/255 + 0.5),
	}
}

func yuvAt(m *image.YCbCr, x, y int) [3]int {
	return [3]int{int(m.Y[m.YOffset(x, y)]), int(m.Cb[m.COffset(x, y)]), int(m.Cr[m.COffset(x, y)])}
}

func yuvNear(a, b [3]int, tol int) bool {
	for i := range a {
		if d := a[i] - b[i]; d < -tol || d > tol {
			return false
		}
	}
	return true
}

// TestInteropScenePixels publishes a scene of test sources to nginx-rtmp
// (a colour, the test pattern scaled into a corner at 25%, a PNG logo with
// alpha and a text), decodes what nginx received with ffmpeg, and checks
// the colours at known points of every layer.
func TestInteropScenePixels(t *testing.T) {
	dir := t.TempDir()
	logo := filepath.Join(dir, "logo.png")
	writeLogo(t, logo)
	file := sceneFile(t, dir, fmt.Sprintf(`{"scenes": [{"name": "Show", "layers": [
  {"name": "Background", "source": {"kind": "color", "color": "#2060C0"}, "place": {"x": 0, "y": 0, "w": 1, "h": 1}},
  {"name": "Pattern", "source": {"kind": "test"}, "place": {"x": 0.75, "y": 0, "w": 0.25, "h": 0.25}},
  {"name": "Logo", "source": {"kind": "image", "path": %q}, "place": {"x": 0.05, "y": 0.05, "w": 0.1, "h": 0.17778}},
  {"name": "Title", "source": {"kind": "text", "text": "OnAir Studio", "color": "#FFFFFF", "background": "#000000"},
   "place": {"x": 0.05, "y": 0.8, "w": 0.5, "h": 0.1}}
]}]}`, logo))
	c := publishCase{1280, 720, 30, "3000k"}
	out := publishAndRecord(t, c, 4*time.Second, "--scene", file)
	if errs := testpeer.DecodeErrors(t, out); errs != "" {
		t.Errorf("decode errors: %s", errs)
	}
	frames := testpeer.DecodeFrames(t, out, 60, 5, c.width, c.height)
	bg := ycbcr709(0x20, 0x60, 0xC0)
	orange := ycbcr709(255, 128, 0)
	black, white := [3]int{16, 128, 128}, [3]int{235, 128, 128}
	bars := [][3]int{{180, 128, 128}, {162, 44, 142}, {131, 156, 44}, {112, 72, 58}, {84, 184, 198}, {65, 100, 212}, {35, 212, 114}}
	for i, f := range frames {
		check := func(what string, x, y int, want [3]int, tol int) {
			t.Helper()
			if got := yuvAt(f, x, y); !yuvNear(got, want, tol) {
				t.Errorf("frame %d: %s at (%d,%d) is YCbCr %v, want %v ±%d", 60+i, what, x, y, got, want, tol)
			}
		}
		check("the colour layer", 640, 360, bg, 4)
		check("the colour layer", 900, 300, bg, 4)
		check("the logo's opaque half", 96, 100, orange, 6)
		check("the logo's transparent half (the colour below)", 160, 100, bg, 6)
		check("the text box's blank top margin", 500, 580, black, 6)
		check("the text box's blank end", 680, 612, black, 6)
		// The test pattern at 25% (960,0)-(1280,180): its colour bars along
		// the top rows, above the sliding box; on the frame of each second
		// the whole pattern flashes white instead.
		if yuvNear(yuvAt(f, 960+6*40+20, 6), white, 10) {
			check("the pattern's flash", 960+20, 6, white, 10)
		} else {
			for k, want := range bars {
				check(fmt.Sprintf("the pattern's bar %d", k+1), 960+k*40+20, 6, want, 8)
			}
		}
		// The text: white glyph pixels in the box's left part, where
		// "OnAir Studio" is drawn, and none in its blank end.
		lit, blank := 0, 0
		for y := 588; y < 636; y++ {
			for x := 70; x < 360; x++ {
				if f.Y[f.YOffset(x, y)] > 180 {
					lit++
				}
			}
			for x := 600; x < 700; x++ {
				if f.Y[f.YOffset(x, y)] > 40 {
					blank++
				}
			}
		}
		if total := 48 * 290; lit < total/20 || lit > total/2 {
			t.Errorf("frame %d: %d of %d pixels of the text's area are lit, want 5%% to 50%% (glyphs)", 60+i, lit, total)
		}
		if blank != 0 {
			t.Errorf("frame %d: %d pixels of the text box's blank end are not black", 60+i, blank)
		}
	}
}
