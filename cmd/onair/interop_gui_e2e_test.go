//go:build interop

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropGUIEndToEnd is acceptance 2 of the studio-window issue: the
// real window under Xvfb goes live to the embedded server and, over RTMPS,
// to nginx-rtmp, shows a moving tile for a stream pushed into the local
// server, and stops. The destinations are named and set up as a creator's
// would be (YouTube over RTMPS, Twitch), since the README's screenshots
// come from this test.
func TestInteropGUIEndToEnd(t *testing.T) {
	x := startXvfb(t)
	ca := testpeer.MakeCA(t, "DNS:localhost")
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{TLSCert: ca.ServerCert, TLSKey: ca.ServerKey})
	port := testpeer.FreePortPair(t)
	profile := t.TempDir()
	embedded := fmt.Sprintf("rtmp://127.0.0.1:%d/live", port)
	writeProfile(t, profile, func(st *app.Settings) {
		st.Server.On, st.Server.Port = true, port
		st.Output.Preset = "ultrafast"
		st.RecordDir = filepath.Join(profile, "recordings")
		st.Destinations = []dest.Destination{
			{ID: "youtube", Name: "YouTube", Service: "youtube-rtmps", Server: fmt.Sprintf("rtmps://localhost:%d/live", ng.TLSPort),
				Key: "e2e-nginx-key-2", Enabled: true},
			{ID: "twitch", Name: "Twitch", Service: "twitch", Server: embedded, Key: "e2e-embedded-key-1", Enabled: true},
		}
	})
	g := launchGUI(t, x, guiLaunch{bin: onairBin, args: []string{"--profile", profile, "--ca-file", ca.CACert}, home: profile})
	saveScreenshot(t, x, "idle.png")

	g.tap(t, "golive")
	g.tap(t, "record")
	dir := t.TempDir()
	recs := []*testpeer.Recorder{
		testpeer.Record(t, embedded+"/e2e-embedded-key-1", filepath.Join(dir, "embedded.flv")),
		testpeer.Record(t, ng.URL("e2e-nginx-key-2"), filepath.Join(dir, "nginx.flv")),
	}
	for _, u := range []string{embedded + "/e2e-embedded-key-1", ng.URL("e2e-nginx-key-2")} {
		p := testpeer.FFprobe(t, u)
		if !p.HasCodecs("h264", "aac") {
			t.Fatalf("%s: ffprobe %+v; want h264 and aac", u, p)
		}
	}
	saveScreenshot(t, x, "live.png")

	// A camera pushes into the local server: its tile must move.
	cam := ffmpegLive(t, fmt.Sprintf("rtmp://127.0.0.1:%d/live/cam", port), 30)
	_ = cam
	g.tap(t, "tab:server")
	tile := g.waitGeometry(t, "tile:live/cam", 15*time.Second)
	time.Sleep(time.Second) // the first pictures
	a := x.screenshot(t, filepath.Join(dir, "tile-a.png"))
	time.Sleep(time.Second)
	b := x.screenshot(t, filepath.Join(dir, "tile-b.png"))
	changed, total := changedPixels(a, b, tile.image())
	t.Logf("tile %+v: %d of %d pixels changed in 1 s", tile, changed, total)
	if changed < total/100 {
		t.Errorf("the tile did not move: %d of %d pixels changed in 1 s", changed, total)
	}
	saveScreenshot(t, x, "local-server.png")

	g.tap(t, "record") // stops the recording
	g.tap(t, "stop")
	files, _ := filepath.Glob(filepath.Join(profile, "recordings", "program-*.mp4"))
	if len(files) != 1 {
		t.Errorf("recordings: %v; want one program-*.mp4", files)
	} else if p := testpeer.FFprobe(t, files[0]); p.Duration() < 3 {
		t.Errorf("%s: %.1f s recorded; want the whole live run", files[0], p.Duration())
	}
	for i, r := range recs {
		if err := r.Wait(10 * time.Second); err != nil {
			t.Errorf("destination %d did not end after Stop: %v\n%s", i, err, r.Log())
		}
	}
	for _, f := range []string{"embedded.flv", "nginx.flv"} {
		p := testpeer.FFprobe(t, filepath.Join(dir, f))
		_, okv := p.Stream("video")
		_, oka := p.Stream("audio")
		if !okv || !oka {
			t.Errorf("%s: no h264/aac after Stop: %+v", f, p)
		}
	}
	var st struct {
		Count int     `json:"count"`
		MaxMS float64 `json:"max_ms"`
	}
	g.getJSON(t, "/stalls", &st)
	t.Logf("UI stalls over 50 ms: %d (max %.0f ms)", st.Count, st.MaxMS)
	if strings.Contains(g.stderr.String(), "e2e-nginx-key-2") || strings.Contains(g.stderr.String(), "e2e-embedded-key-1") {
		t.Error("a stream key is in the log")
	}
}
