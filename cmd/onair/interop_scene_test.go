//go:build interop

package main

import (
	"fmt"
	"image"
	"image/png"
	"math"
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

// matrix is a YCbCr matrix's red and blue luma weights.
type matrix struct{ kr, kb float64 }

var (
	bt709 = matrix{0.2126, 0.0722} // what the studio encodes colour layers as
	bt601 = matrix{0.299, 0.114}   // what ffmpeg's color source makes
)

// ycbcr is r, g, b as video-range Y, Cb, Cr in matrix m.
func ycbcr(m matrix, r, g, b float64) [3]int {
	y := m.kr*r + (1-m.kr-m.kb)*g + m.kb*b
	return [3]int{
		int(16 + 219*y/255 + 0.5),
		int(128 + 224*(b-y)/(2*(1-m.kb))/255 + 0.5),
		int(128 + 224*(r-y)/(2*(1-m.kr))/255 + 0.5),
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
	bg := ycbcr(bt709, 0x20, 0x60, 0xC0)
	orange := ycbcr(bt709, 255, 128, 0)
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

// TestInteropSceneSwitching switches between two scenes 20 times while
// live, cut and fade in turn, and checks what nginx-rtmp received: the
// switches show, the timestamps run on without a gap, keyframes stay every
// 2 s, nothing fails to decode, and the pattern's flash stays with the
// tone's beep.
func TestInteropSceneSwitching(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := sceneFile(t, dir, `{"scenes": [
  {"name": "Pattern", "layers": [
    {"name": "Pattern", "source": {"kind": "test"}, "place": {"x": 0, "y": 0, "w": 1, "h": 1}}]},
  {"name": "Pattern + title", "layers": [
    {"name": "Pattern", "source": {"kind": "test"}, "place": {"x": 0, "y": 0, "w": 1, "h": 1}},
    {"name": "Title", "source": {"kind": "text", "text": "Switching", "color": "#FFFFFF", "background": "#C02020"},
     "place": {"x": 0.05, "y": 0.82, "w": 0.4, "h": 0.1}}]}
]}`)
	c := publishCase{640, 360, 30, "1500k"}
	dur := 12 * time.Second
	// 20 switches at 0.55 s, the fades 0.3 s long, inside the 12 s.
	out := publishAndRecord(t, c, dur, "--scene", file, "--switch-every", "550ms", "--transitions", "cut,fade:300ms")
	checkRecording(t, out, c, dur)
	// The title box's left margin is red in one scene and the pattern's
	// black band in the other: count the changes from one to the other.
	frames := testpeer.DecodeFrames(t, out, 0, 330, c.width, c.height)
	red := ycbcr(bt709, 0xC0, 0x20, 0x20)
	inTitle, switches := false, 0
	for _, f := range frames {
		now := yuvNear(yuvAt(f, 34, 300), red, 12)
		if now != inTitle {
			switches++
			inTitle = now
		}
	}
	t.Logf("the title came and went %d times", switches)
	if switches < 18 {
		t.Errorf("the title came and went %d times in 11 s, want about 20 (a switch every 0.55 s)", switches)
	}
	// No gap in the video's timestamps: each DTS 1/30 s after the one
	// before, unless onair said the machine was too busy for a frame.
	dts := testpeer.PacketDTS(t, out, "v")
	gaps := 0
	for i := 1; i < len(dts); i++ {
		if dts[i]-dts[i-1] > 1.5/float64(c.fps) {
			gaps++
		}
	}
	counts, _ := publishCounts.Load(out)
	fc, _ := counts.(publishFrames)
	t.Logf("%d video packets, %d DTS gaps over 1.5 frames, %d frames reported missed", len(dts), gaps, fc.missed)
	if gaps > fc.missed {
		t.Errorf("%d gaps over 1.5 frames in the video's DTS, and onair reported %d frames missed", gaps, fc.missed)
	}
	flashes, beeps := flashTimes(t, out), beepOnsets(t, out)
	if len(flashes) < 10 || len(beeps) < 10 {
		t.Fatalf("found %d flashes and %d beeps in 12 s, want about 12 of each", len(flashes), len(beeps))
	}
	worst := 0.0
	for _, f := range flashes {
		off := beepOffset(beeps, f)
		if math.Abs(off) > math.Abs(worst) {
			worst = off
		}
		if math.Abs(off) > 1.0/float64(c.fps) {
			t.Errorf("the beep is %+.1f ms from the flash at %.3f s, want within one frame", off*1000, f)
		}
	}
	t.Logf("%d flashes; the beep furthest from its flash was %+.1f ms away", len(flashes), worst*1000)
}
