//go:build interop

package main

import (
	"fmt"
	"image"
	"path/filepath"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropGUIShowInScene: the window shows the test pattern; ffmpeg
// pushes a camera (testsrc2, which moves, and a tone) into its local
// server; the camera tile's "Show in scene" puts it in the scene as a
// picture in picture in the bottom-right corner of the preview, where the
// test pattern's black and white clock was. With ONAIR_SCREENSHOTS set the
// window is saved as scenes.png.
func TestInteropGUIShowInScene(t *testing.T) {
	x := startXvfb(t)
	port := testpeer.FreePortPair(t)
	profile := t.TempDir()
	writeProfile(t, profile, func(st *app.Settings) {
		st.Server.On, st.Server.Port = true, port
		st.Video = "test"
		st.Scenes = scene.Collection{Current: "Show", Scenes: []scene.Scene{{Name: "Show", Layers: []scene.Layer{
			{Name: "Pattern", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Full}}}}}
	})
	g := launchGUI(t, x, guiLaunch{bin: onairBin, args: []string{"--profile", profile}, home: profile})
	startBG(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", "60", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac",
		"-f", "flv", fmt.Sprintf("rtmp://127.0.0.1:%d/live/guest", port))
	g.tap(t, "tab:server")
	g.waitGeometry(t, "tile:live/guest", 15*time.Second)
	pip := previewPIP(t, g)
	dir := t.TempDir()
	before := colourful(x.screenshot(t, filepath.Join(dir, "before.png")), pip)

	g.tap(t, "show-in-scene:live/guest")
	var changed, total int
	var after float64
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		a := x.screenshot(t, filepath.Join(dir, "a.png"))
		time.Sleep(time.Second)
		b := x.screenshot(t, filepath.Join(dir, "b.png"))
		changed, total = changedPixels(a, b, pip)
		if after = colourful(b, pip); after > 0.3 && changed > total/100 {
			break
		}
	}
	t.Logf("the preview's bottom-right corner %v: %.0f%% colourful pixels before Show in scene, %.0f%% after; %d of %d pixels changed in 1 s",
		pip, 100*before, 100*after, changed, total)
	if before > 0.05 {
		t.Fatalf("the test pattern's corner is already %.0f%% colourful: the check cannot tell the camera from it", 100*before)
	}
	if after <= 0.3 || changed <= total/100 {
		t.Errorf("the camera is not in the preview's corner after Show in scene (%.0f%% colourful, %d of %d pixels moved)\n%s",
			100*after, changed, total, g.stderr)
	}
	// The UI-stall rule: the window's own work (applying snapshots, frame
	// ticks, the tap itself) never ran over 50 ms.
	var st stallStats
	g.getJSON(t, "/stalls", &st)
	if st.OwnStalls > 0 {
		t.Errorf("the window's own work ran over 50 ms %d times (longest apply %.1f ms, tick %.1f ms)", st.OwnStalls, st.ApplyMaxMS, st.TickMaxMS)
	}
	saveScreenshot(t, x, "scenes.png")
}

// colourful is the share of area's pixels that are clearly coloured (their
// channels 48 or more apart): none in the test pattern's black and white
// clock, most of testsrc2's picture.
func colourful(img image.Image, area image.Rectangle) float64 {
	n := 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if max(r, g, b)-min(r, g, b) >= 48<<8 {
				n++
			}
		}
	}
	return float64(n) / float64(max(area.Dx()*area.Dy(), 1))
}

// previewPIP is the middle of the place ShowInScene gives a stream (the
// bottom-right corner: x 0.68 to 0.98, y 0.66 to 0.96 of the picture), in
// window pixels, inset so that scaling's soft edges stay out.
func previewPIP(t *testing.T, g *guiApp) image.Rectangle {
	t.Helper()
	var geo struct {
		Picture rect `json:"picture"`
	}
	if code := g.getJSON(t, "/geometry?name=preview", &geo); code != 200 || geo.Picture.W == 0 {
		t.Fatalf("the preview's geometry: HTTP %d, %+v", code, geo)
	}
	p := geo.Picture
	at := func(fx, fy float64) image.Point {
		return image.Pt(p.X+int(fx*float64(p.W)), p.Y+int(fy*float64(p.H)))
	}
	return image.Rectangle{Min: at(0.71, 0.69), Max: at(0.95, 0.93)}
}
