//go:build interop

package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropWindowEncodesForAViewer: the window's encoder is idle while
// nothing takes the program, and a viewer of live/program over HLS (the
// web side's muxer is a reader of the local server) is enough to start
// it: the playlist comes, and ffmpeg decodes h264 and aac from it.
func TestInteropWindowEncodesForAViewer(t *testing.T) {
	x := startXvfb(t)
	profile := t.TempDir()
	port := testpeer.FreePortPair(t)
	writeProfile(t, profile, func(st *app.Settings) {
		st.Server.On, st.Server.Port = true, port
		st.Output.Preset = "ultrafast"
	})
	g := startGUI(t, x, profile)
	if err := testpeer.WaitListening(fmt.Sprintf("127.0.0.1:%d", port+1), 10*time.Second, nil); err != nil {
		t.Fatalf("the local server's web side is not on port %d: %v", port+1, err)
	}
	time.Sleep(2 * time.Second)
	if log := g.stderr.String(); strings.Contains(log, "encoding: the program has a viewer") {
		t.Fatalf("the window encodes with nobody watching:\n%s", log)
	}

	playlist := fmt.Sprintf("http://127.0.0.1:%d/live/program/index.m3u8", port+1)
	start := time.Now()
	status := 0
	for deadline := start.Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		r, err := http.Get(playlist)
		if err != nil {
			continue
		}
		r.Body.Close()
		if status = r.StatusCode; status == http.StatusOK {
			break
		}
	}
	if status != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d after 30 s; want the playlist once the encoder started for the viewer", playlist, status)
	}
	t.Logf("the program's HLS playlist came %.1f s after the first request", time.Since(start).Seconds())
	if p := testpeer.FFprobe(t, playlist); !p.HasCodecs("h264", "aac") {
		t.Errorf("live/program over HLS: %+v; want h264 and aac", p)
	}
	if !strings.Contains(g.stderr.String(), "encoding: the program has a viewer") {
		t.Errorf("the window's log does not say that the encoder started for the viewer")
	}
}
