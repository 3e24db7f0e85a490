//go:build interop

package main

import (
	"fmt"
	"image"
	"path/filepath"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropGUIHEVCTile is the tile point of issue 15's Enhanced RTMP
// acceptance: gortmplib pushes an HEVC camera (testsrc2, which moves) into
// the window's local server, and its tile shows the picture: it changes
// from one second to the next and is not one flat colour. With
// ONAIR_SCREENSHOTS set the window is saved as hevc-tile.png.
func TestInteropGUIHEVCTile(t *testing.T) {
	peer := needERTMPPeer(t)
	clip := ertmpClip(t, "hevc")
	x := startXvfb(t)
	port := testpeer.FreePortPair(t)
	profile := t.TempDir()
	writeProfile(t, profile, func(st *app.Settings) { st.Server.On, st.Server.Port = true, port })
	g := launchGUI(t, x, guiLaunch{bin: onairBin, args: []string{"--profile", profile}, home: profile})
	startBG(t, peer, "publish", "-url", fmt.Sprintf("rtmp://127.0.0.1:%d/live/hevccam", port), "-codec", "hevc", "-in", clip, "-loops", "10")
	g.tap(t, "tab:server")
	tile := g.waitGeometry(t, "tile:live/hevccam", 15*time.Second)
	time.Sleep(time.Second) // the first pictures
	dir := t.TempDir()
	a := x.screenshot(t, filepath.Join(dir, "tile-a.png"))
	time.Sleep(time.Second)
	b := x.screenshot(t, filepath.Join(dir, "tile-b.png"))
	changed, total := changedPixels(a, b, tile.image())
	colours := distinctColours(b, tile.image())
	t.Logf("HEVC tile %+v: %d of %d pixels changed in 1 s; %d distinct colours", tile, changed, total, colours)
	if changed < total/100 {
		t.Errorf("the HEVC tile did not move: %d of %d pixels changed in 1 s\n%s", changed, total, g.stderr)
	}
	if colours < 16 {
		t.Errorf("the HEVC tile shows %d colours; want testsrc2's picture\n%s", colours, g.stderr)
	}
	saveScreenshot(t, x, "hevc-tile.png")
}

// distinctColours counts the colours (to 4 bits a channel) in area of img.
func distinctColours(img image.Image, area image.Rectangle) int {
	seen := map[uint32]bool{}
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			seen[r>>12<<8|g>>12<<4|b>>12] = true
		}
	}
	return len(seen)
}
