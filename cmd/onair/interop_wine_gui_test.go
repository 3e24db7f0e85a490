//go:build interop && wine

package main

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// wineUserDir is the Wine user's profile folder, %USERPROFILE%, on the host.
func wineUserDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(wine.dir, "drive_c", "users", "*", "AppData"))
	for _, d := range dirs {
		if user := filepath.Dir(d); filepath.Base(user) != "Public" {
			return user
		}
	}
	t.Fatalf("the Wine prefix has no user folder with AppData: %v", dirs)
	return ""
}

// TestWineWindow starts "OnAir Studio.exe", as the Start menu would (no
// flags but the automation hook), under Wine on Xvfb, with its settings
// where Windows keeps them: %APPDATA%\fyne\<app ID>\preferences.json, as
// written before the start. It checks that the window comes up with a
// moving preview, that it took those settings (its local server listens on
// the port they name), that its stream keys live in the system keyring
// (Credential Manager, through go-keyring: a key is written, read back and
// deleted at start) and that Record writes an MP4 to
// %USERPROFILE%\Videos\OnAir Studio.
func TestWineWindow(t *testing.T) {
	exe := winExe(t, winGUIExe)
	user := wineUserDir(t)
	prefs := filepath.Join(user, "AppData", "Roaming", "fyne", appID, "preferences.json")
	port := testpeer.FreePortPair(t)
	kv, err := app.OpenFileKV(prefs) // fyne's preferences file is the same flat JSON of strings
	if err != nil {
		t.Fatal(err)
	}
	st := app.DefaultSettings()
	st.Server.On, st.Server.Port = true, port
	st.Output.Preset = "ultrafast"
	if err := app.SaveSettings(kv, store.NewMemorySecretStore(), st); err != nil {
		t.Fatal(err)
	}

	x := wine.x // the prefix's desktop (see newWinePrefix)
	start := time.Now()
	g := launchGUI(t, x, guiLaunch{bin: "wine", args: []string{exe}, home: wine.home, env: wineVars(), timeout: 2 * time.Minute})
	t.Logf("time to window under Wine: %.1f s (start to the first preview frame shown)", time.Since(start).Seconds())

	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := testpeer.WaitListening(addr, 10*time.Second, nil); err != nil {
		t.Errorf("the local server is not on %s, the port in %s: %v", addr, prefs, err)
	}
	log := g.stderr.String()
	winPrefs := `AppData\Roaming\fyne\` + appID + `\preferences.json`
	if !strings.Contains(log, winPrefs) || !strings.Contains(log, `keys="Stream keys are kept in the system keyring."`) {
		t.Errorf("the window does not say that its settings are in %%APPDATA%% (%s) and its keys in the system keyring:\n%s", winPrefs, log)
	}

	preview := g.waitGeometry(t, "preview", 20*time.Second)
	var geo struct {
		Picture rect `json:"picture"`
	}
	g.getJSON(t, "/geometry?name=preview", &geo)
	ox, oy := x.windowPosition(t, x.studioWindow(t))
	area := geo.Picture.image().Add(image.Pt(ox, oy))
	dir := t.TempDir()
	a := x.screenshot(t, filepath.Join(dir, "a.png"))
	time.Sleep(time.Second)
	b := x.screenshot(t, filepath.Join(dir, "b.png"))
	changed, total := changedPixels(a, b, area)
	t.Logf("preview %+v at %v on the screen: %d of %d pixels changed in 1 s", preview, area, changed, total)
	if !previewMoved(changed, total) {
		t.Errorf("the preview under Wine did not move: %d of %d pixels changed in 1 s", changed, total)
	}
	saveScreenshot(t, x, "windows.png")

	g.tap(t, "record")
	time.Sleep(4 * time.Second)
	g.tap(t, "record")
	videos := filepath.Join(user, "Videos", "OnAir Studio")
	var files []string
	for range 50 { // the recording closes its file after Stop: up to 5 s
		if files, _ = filepath.Glob(filepath.Join(videos, "program-*.mp4")); len(files) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(files) != 1 {
		t.Fatalf("recordings in %%USERPROFILE%%\\Videos\\OnAir Studio (%s): %v; want one program-*.mp4", videos, files)
	}
	if p := testpeer.FFprobe(t, files[0]); !p.HasCodecs("h264", "aac") || p.Duration() < 2 {
		t.Errorf("%s: %+v, %.1f s; want h264 and aac, about 4 s", files[0], p, p.Duration())
	}
}

// wineVars is the run's Wine variables, for launchGUI, which adds them to
// the environment it sets.
func wineVars() []string {
	var vars []string
	for _, kv := range wine.env {
		if strings.HasPrefix(kv, "WINE") {
			vars = append(vars, kv)
		}
	}
	return vars
}

var positionRe = regexp.MustCompile(`Position: (-?\d+),(-?\d+)`)

// windowPosition is where an X window is on the screen (xdotool): Wine
// places its windows itself when there is no window manager.
func (x *xvfb) windowPosition(t *testing.T, id string) (int, int) {
	t.Helper()
	cmd := exec.Command("xdotool", "getwindowgeometry", id)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xdotool getwindowgeometry %s: %v", id, err)
	}
	m := positionRe.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("xdotool getwindowgeometry %s said %q", id, out)
	}
	px, _ := strconv.Atoi(m[1])
	py, _ := strconv.Atoi(m[2])
	return px, py
}
