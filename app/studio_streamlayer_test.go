package app

import (
	"context"
	"image"
	"os/exec"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestStudioStreamLayerSharesTheTileDecoder: ffmpeg pushes a green camera
// with a tone into the studio's server, which shows the test pattern; with
// its tile open, ShowInScene puts it in the scene as a picture in picture
// and that scene on air. The stream is decoded once for both: one reader
// on the server, one decoder with two sinks. The layer's rectangle in the
// program is green, its sound is in the mix, a second ShowInScene adds no
// second layer, and each side keeps going when the other leaves.
func TestStudioStreamLayerSharesTheTileDecoder(t *testing.T) {
	testpeer.Require(t, "ffmpeg")
	addr := "127.0.0.1:" + freePort(t)
	black := scene.Collection{Current: "Black", Scenes: []scene.Scene{{Name: "Black", Layers: []scene.Layer{
		{Name: "Back", Source: scene.Source{Kind: scene.KindColor, Color: "#000000"}, Place: scene.Full}}}}}
	s := newTestStudioOn(t, t.TempDir(), addr, func(st *Settings) {
		st.Output = studioOutput()
		st.Video, st.Audio = "test", "none"
		st.Scenes = black
	})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	push := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
		"-f", "lavfi", "-i", "color=c=green:size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", "60", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac",
		"-f", "flv", "rtmp://"+addr+"/live/cam")
	if err := push.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); push.Wait() })
	waitFor(t, 20*time.Second, "the camera on the server", func() bool {
		for _, in := range s.Snapshot().Server.Streams {
			if in.Name == "live/cam" {
				return true
			}
		}
		return false
	})
	box, stopTile := s.WatchIncoming("live/cam")
	defer stopTile()

	s.mu.Lock()
	srv := s.server
	s.mu.Unlock()
	decoding := func() int { return srv.Decoded.Decoding()["live/cam"] }
	readers := func() int {
		for _, st := range srv.RTMP.Stats().Streams {
			if st.Name == "live/cam" {
				return st.Players
			}
		}
		return -1
	}
	if err := s.ShowInScene("live/cam"); err != nil {
		t.Fatal(err)
	}
	if err := s.ShowInScene("live/cam"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the scene on air", func() bool { return s.Snapshot().Scene == "Black" })
	if sc := s.Scenes().Scenes[0]; len(sc.Layers) != 2 || sc.Layers[1].Source.Kind != scene.KindStream || sc.Layers[1].Name != "cam" {
		t.Errorf("after ShowInScene twice the scene is %+v; want one stream layer \"cam\" on top", sc.Layers)
	}
	waitFor(t, 10*time.Second, "the tile and the layer on one decoder", func() bool { return decoding() == 2 })
	if n := readers(); n != 1 {
		t.Errorf("the server has %d readers of live/cam with the tile and the layer on it, want 1", n)
	}
	tile := image.NewRGBA(image.Rect(0, 0, TileWidth, TileHeight))
	waitFor(t, 10*time.Second, "a green tile", func() bool {
		box.CopyTo(tile, 0)
		return isGreen(tile.RGBAAt(TileWidth/2, TileHeight/2))
	})
	programShowsTheCamera := func(what string) {
		t.Helper()
		pic := image.NewRGBA(image.Rectangle{Max: s.preview.Size()})
		w, h := pic.Rect.Dx(), pic.Rect.Dy()
		waitFor(t, 10*time.Second, what, func() bool {
			s.preview.CopyTo(pic, 0)
			in, out := pic.RGBAAt(w*83/100, h*81/100), pic.RGBAAt(w/4, h/4) // the corner's centre, and outside it
			return isGreen(in) && out.G < 30
		})
	}
	programShowsTheCamera("the camera's green in its rectangle of the program, black around it")
	// The audio setting is "none": the scene's mix has no source of its
	// own, and the camera's sound is heard in the program all the same.
	waitFor(t, 10*time.Second, "the camera's tone in the mix and in the program", func() bool {
		snap := s.Snapshot()
		if len(snap.Levels.Peak) == 0 || snap.Levels.Peak[0] < -30 {
			return false
		}
		for _, m := range snap.Mix {
			if m.Name == "stream: cam" && len(m.Levels.Peak) > 0 && m.Levels.Peak[0] > -30 {
				return true
			}
		}
		return false
	})

	stopTile()
	waitFor(t, 5*time.Second, "the layer alone on the decoder", func() bool { return decoding() == 1 })
	programShowsTheCamera("the camera in the program after its tile closed")

	box, stopTile = s.WatchIncoming("live/cam")
	defer stopTile()
	waitFor(t, 5*time.Second, "the tile back on the layer's decoder", func() bool { return decoding() == 2 })
	if err := s.SaveScenes(black); err != nil { // the layer taken out again
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the tile alone on the decoder", func() bool { return decoding() == 1 })
	seq := box.Seq()
	waitFor(t, 5*time.Second, "the tile moving after the layer left", func() bool { return box.Seq() > seq+5 })
	stopTile()
	waitFor(t, 5*time.Second, "no decoder and no reader left", func() bool { return decoding() == 0 && readers() == 0 })
}

// isGreen reports whether c is ffmpeg's "green" (0,128,0) after a trip
// through H.264 and back.
func isGreen(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, g, b, _ := c.RGBA()
	r, g, b = r>>8, g>>8, b>>8
	return g > 100 && g < 160 && r < 40 && b < 40
}
