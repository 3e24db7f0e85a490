//go:build interop

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// xvfb is a virtual X display started for one test.
type xvfb struct {
	display string
}

// startXvfb starts Xvfb with GLX for Fyne on a display number it picks
// itself (-displayfd: no race with other servers, no stale lock files
// mistaken for busy displays), and stops it with SIGTERM when the test
// ends, so that it removes its lock file and socket.
func startXvfb(t testing.TB) *xvfb {
	t.Helper()
	testpeer.Require(t, "Xvfb")
	x, stop, err := launchXvfb()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return x
}

// launchXvfb starts Xvfb as startXvfb does, for a caller that outlives one
// test (the Wine prefix's desktop); stop ends it.
func launchXvfb() (*xvfb, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	out := &testpeer.SyncBuffer{}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "+extension", "GLX")
	cmd.ExtraFiles = []*os.File{w} // fd 3
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("starting Xvfb: %w", err)
	}
	w.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	number := make(chan string, 1)
	go func() { // ends when Xvfb writes the number or exits (the pipe closes)
		line, _ := bufio.NewReader(r).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if n == "" {
			stop()
			return nil, nil, fmt.Errorf("Xvfb did not start:\n%s", out)
		}
		return &xvfb{display: ":" + n}, stop, nil
	case <-time.After(10 * time.Second):
		stop()
		return nil, nil, fmt.Errorf("Xvfb did not report its display within 10 s:\n%s", out)
	}
}

// screenshot grabs the whole display as an image.
func (x *xvfb) screenshot(t testing.TB, path string) image.Image {
	t.Helper()
	return x.grab(t, "root", path)
}

// grab saves one X window (an id, or "root") of the display as a PNG at
// path with ImageMagick's import, and decodes it.
func (x *xvfb) grab(t testing.TB, window, path string) image.Image {
	t.Helper()
	testpeer.Require(t, "import")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "import", "-display", x.display, "-window", window, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import (imagemagick): %v\n%s", err, out)
	}
	return decodePNG(t, path)
}

// studioWindow returns the X id of the "OnAir Studio" window, waiting up
// to 5 s for it.
func (x *xvfb) studioWindow(t testing.TB) string {
	t.Helper()
	testpeer.Require(t, "xdotool")
	for range 50 {
		find := exec.Command("xdotool", "search", "--name", "^OnAir Studio$")
		find.Env = append(os.Environ(), "DISPLAY="+x.display)
		if out, err := find.Output(); err == nil {
			if ids := strings.Fields(string(out)); len(ids) > 0 {
				return ids[0]
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("xdotool found no \"OnAir Studio\" window within 5 s")
	return ""
}

// decodePNG reads a PNG file.
func decodePNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return img
}

// guiApp is a running studio window with its automation hook.
type guiApp struct {
	cmd    *exec.Cmd
	stderr *testpeer.SyncBuffer
	hook   string
	done   chan error  // the process's exit, once (put back after reading)
	logged atomic.Bool // its stderr is in the test's log already
}

// exitReason picks the lines of a program's stderr that say why it ended:
// a panic's first line, else its last "onair:" sentence, else its last line.
func exitReason(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "panic: ") {
			return l
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "onair: ") {
			return lines[i]
		}
	}
	return lines[len(lines)-1]
}

// profile writes a studio profile (settings and keys) into dir.
func writeProfile(t testing.TB, dir string, edit func(*app.Settings)) {
	t.Helper()
	kv, err := app.OpenFileKV(filepath.Join(dir, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := store.OpenFileSecretStore(filepath.Join(dir, "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	st := app.DefaultSettings()
	edit(&st)
	if err := app.SaveSettings(kv, keys, st); err != nil {
		t.Fatal(err)
	}
}

// startGUI starts `onair --profile DIR --automation …` on the display and
// waits until the window shows a preview frame.
func startGUI(t testing.TB, x *xvfb, profile string) *guiApp {
	t.Helper()
	return launchGUI(t, x, guiLaunch{bin: onairBin, args: []string{"--profile", profile}, home: profile})
}

// guiLaunch is how a test starts the studio window: the binary, its
// arguments (the automation hook is added), the HOME it runs with, extra
// environment, and how long it may take to show a preview frame.
type guiLaunch struct {
	bin     string
	args    []string
	home    string
	env     []string
	timeout time.Duration // 20 s unless set
}

// launchGUI starts the window on the display with a software GL, no
// session bus (so no keyring) and HOME and XDG_CONFIG_HOME under l.home,
// and waits until the hook says a preview frame was shown. It fails at
// once if the process exits first, and kills it when the test ends
// (printing its log if the test failed).
func launchGUI(t testing.TB, x *xvfb, l guiLaunch) *guiApp {
	t.Helper()
	hook := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))
	cmd := exec.Command(l.bin, append(append([]string(nil), l.args...), "--automation", hook)...)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display, "HOME="+l.home, "XDG_CONFIG_HOME="+filepath.Join(l.home, "config"),
		"LIBGL_ALWAYS_SOFTWARE=1", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent")
	cmd.Env = append(cmd.Env, l.env...)
	stderr := &testpeer.SyncBuffer{}
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second // a helper it started (Wine's) may keep stderr open
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", l.bin, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	g := &guiApp{cmd: cmd, stderr: stderr, hook: "http://" + hook, done: done}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() && !g.logged.Load() {
			t.Logf("%s stderr:\n%s", filepath.Base(l.bin), stderr)
		}
	})
	timeout := l.timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			done <- err
			g.logged.Store(true)
			t.Logf("%s stderr:\n%s", filepath.Base(l.bin), stderr)
			t.Fatalf("%s exited before its window showed (%v): %s", l.bin, err, exitReason(stderr.String()))
		default:
		}
		if r, err := client.Get(g.hook + "/ready"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return g
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the window did not become ready within %v; stderr:\n%s", timeout, stderr)
	return nil
}

// tap presses a named widget through the automation hook.
func (g *guiApp) tap(t testing.TB, name string) {
	t.Helper()
	r, err := http.Post(g.hook+"/tap?name="+url.QueryEscape(name), "text/plain", nil)
	if err != nil {
		t.Fatalf("tap %s: %v", name, err)
	}
	defer r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("tap %s: HTTP %d", name, r.StatusCode)
	}
}

// getJSON reads a JSON answer of the hook into v; it reports the status.
func (g *guiApp) getJSON(t testing.TB, path string, v any) int {
	t.Helper()
	r, err := http.Get(g.hook + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer r.Body.Close()
	if r.StatusCode == http.StatusOK {
		if err := json.NewDecoder(r.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return r.StatusCode
}

// rect is a widget's place in window pixels.
type rect struct {
	X, Y, W, H int
}

func (r rect) image() image.Rectangle { return image.Rect(r.X, r.Y, r.X+r.W, r.Y+r.H) }

// waitGeometry waits until the named widget is shown, and laid out (the
// same place twice in a row: Fyne may size a new widget before it moves
// it), and returns where.
func (g *guiApp) waitGeometry(t testing.TB, name string, timeout time.Duration) rect {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last rect
	for time.Now().Before(deadline) {
		var r rect
		if g.getJSON(t, "/geometry?name="+url.QueryEscape(name), &r) == http.StatusOK && r.W > 0 && r.H > 0 {
			if r == last {
				return r
			}
			last = r
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s did not appear within %s", name, timeout)
	return rect{}
}

// saveScreenshot saves the studio window (found by its title with
// xdotool) into $ONAIR_SCREENSHOTS, when that is set: the README's pictures.
func saveScreenshot(t testing.TB, x *xvfb, name string) {
	t.Helper()
	dir := os.Getenv("ONAIR_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	x.grab(t, x.studioWindow(t), filepath.Join(dir, name))
}
