//go:build interop

package main

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropFirstRun is acceptance 2 of the packaging issue: with a fresh
// HOME (no settings, no keys, no keyring) and no camera, the window shows
// the moving test pattern, says how to add a destination, and its local
// server takes a publish on loopback at the default port, and only there.
func TestInteropFirstRun(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", app.DefaultServerPort)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("a first run's local server listens on %s, which another program holds (`ss -ltnp 'sport = :%d'` names it): stop it and run again: %v",
			addr, app.DefaultServerPort, err)
	}
	ln.Close()
	home := t.TempDir()
	x := startXvfb(t)
	g := launchGUI(t, x, guiLaunch{bin: onairBin, home: home, env: []string{"XDG_DATA_HOME=" + filepath.Join(home, "data")}})

	var hint struct {
		Text string `json:"text"`
	}
	if code := g.getJSON(t, "/geometry?name=hint:destinations", &hint); code != 200 || !strings.Contains(hint.Text, "Add destination") {
		t.Errorf("the destinations hint: HTTP %d %q; want how to add a destination", code, hint.Text)
	}

	// The preview moves: the test pattern's clock and its moving bar.
	preview := g.waitGeometry(t, "preview", 5*time.Second)
	var geo struct {
		Picture rect `json:"picture"`
	}
	g.getJSON(t, "/geometry?name=preview", &geo)
	dir := t.TempDir()
	a := x.screenshot(t, filepath.Join(dir, "a.png"))
	time.Sleep(time.Second)
	b := x.screenshot(t, filepath.Join(dir, "b.png"))
	changed, total := changedPixels(a, b, geo.Picture.image())
	t.Logf("preview %+v (picture %+v): %d of %d pixels changed in 1 s", preview, geo.Picture, changed, total)
	if !previewMoved(changed, total) {
		t.Errorf("the first run's preview did not move: %d of %d pixels changed in 1 s", changed, total)
	}
	saveScreenshot(t, x, "first-run.png")

	// The program is already on the local server, and a camera can publish.
	base := fmt.Sprintf("rtmp://%s/live", addr)
	if p := testpeer.FFprobe(t, base+"/program"); !p.HasCodecs("h264", "aac") {
		t.Errorf("live/program on the first run's local server: %+v; want h264 and aac", p)
	}
	ffmpegLive(t, base+"/firstrun", 30)
	if p := testpeer.FFprobe(t, base+"/firstrun"); !p.HasCodecs("h264", "aac") {
		t.Errorf("a stream published into the first run's local server: %+v; want h264 and aac", p)
	}
	g.tap(t, "tab:server")
	g.waitGeometry(t, "tile:live/firstrun", 15*time.Second)

	// Loopback only: the LAN addresses of this machine are refused.
	lan := lanAddrs(t)
	for _, ip := range lan {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(ip, fmt.Sprint(app.DefaultServerPort)), 2*time.Second)
		if err == nil {
			c.Close()
			t.Errorf("the first run's local server answers on %s: it must listen on loopback only", ip)
		}
	}
	t.Logf("refused on this machine's LAN addresses %v", lan)
}

// lanAddrs are this machine's non-loopback IPv4 and IPv6 unicast addresses.
func lanAddrs(t *testing.T) []string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.IsGlobalUnicast() {
			out = append(out, n.IP.String())
		}
	}
	return out
}
