//go:build interop

package main

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropPortInUse: the real window whose local-server port another
// program holds says so where the user looks (the destinations hint), Go
// Live opens a dialog with the reason instead of doing nothing, and the
// Local server tab's "Use port N" puts the server, and the program, on a
// free port.
func TestInteropPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	x := startXvfb(t)
	profile := t.TempDir()
	writeProfile(t, profile, func(st *app.Settings) {
		st.Server.On, st.Server.Port = true, port
		st.Output.Preset = "ultrafast"
	})
	g := startGUI(t, x, profile)

	hint := func() string {
		var h struct {
			Text string `json:"text"`
		}
		g.getJSON(t, "/geometry?name=hint:destinations", &h)
		return h.Text
	}
	if h := hint(); !strings.Contains(h, "nowhere to send") || !strings.Contains(h, fmt.Sprintf("port %d is in use", port)) {
		t.Errorf("the destinations hint with the port taken: %q", h)
	}
	g.tap(t, "golive")
	var dlg struct {
		Text string `json:"text"`
	}
	if code := g.getJSON(t, "/geometry?name=dialog:nowhere", &dlg); code != 200 || !strings.Contains(dlg.Text, "already in use") {
		t.Errorf("Go Live with the port taken: dialog HTTP %d %q; want the reason", code, dlg.Text)
	}
	saveScreenshot(t, x, "port-in-use.png")

	g.tap(t, "use-port") // the Local server tab's free port
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(hint(), "Until then, Go Live sends the program to the local server") {
		if time.Now().After(deadline) {
			t.Fatalf("10 s after Use port, the hint still says %q", hint())
		}
		time.Sleep(200 * time.Millisecond)
	}
	moved := false
	for p := port + 1; p <= port+20 && !moved; p++ {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p), time.Second); err == nil {
			c.Close()
			if pr := testpeer.FFprobe(t, fmt.Sprintf("rtmp://127.0.0.1:%d/live/program", p)); pr.HasCodecs("h264", "aac") {
				moved = true
				t.Logf("the local server moved to port %d", p)
			}
		}
	}
	if !moved {
		t.Error("the program is not served on a port near the taken one")
	}
}
