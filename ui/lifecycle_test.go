package ui

import (
	"encoding/json"
	"image"
	"image/color"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"

	"fyne.io/fyne/v2/test"
)

// hook asks the automation hook and decodes its JSON into v (when not nil).
func hook(t *testing.T, method, url string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s %s: decoding: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

// TestRunningWindow runs the window with all its goroutines on a stand-in
// UI loop: polling, the automation hook, the watchdog, and a clean stop.
func TestRunningWindow(t *testing.T) {
	f := newFakeStudio(serverSnapshot())
	f.watch = func(string) *program.FrameMailbox { return solidBox(64, 36, color.RGBA{G: 200, A: 255}) }
	ui := newUILoop(t)
	var shown, firstPreview atomic.Int32
	opts := Options{
		Automation: "127.0.0.1:0", Start: time.Now(), Clock: func() time.Time { return fixedNow },
		OnShown: func() { shown.Add(1) }, OnFirstPreview: func() { firstPreview.Add(1) },
	}
	w := newWindow(test.NewTempApp(t), f, opts, ui.post)
	ui.run(w.Show)
	base := "http://" + w.AutomationAddr()
	if w.AutomationAddr() == "" {
		t.Fatal("the automation hook is not listening")
	}

	// Not ready before the first preview frame.
	waitFor(t, "shown", func() bool { return shown.Load() == 1 })
	var st readyState
	if code := hook(t, "GET", base+"/ready", &st); code != http.StatusServiceUnavailable || !st.Shown || st.FirstPreview {
		t.Errorf("/ready before a frame: %d %+v", code, st)
	}
	f.preview.Put(image.NewRGBA(image.Rect(0, 0, 640, 360)))
	waitFor(t, "ready", func() bool { return hook(t, "GET", base+"/ready", &st) == http.StatusOK })
	if st.ShownMS == nil || st.FirstPreviewMS == nil || *st.FirstPreviewMS < 0 || firstPreview.Load() != 1 {
		t.Errorf("/ready: %+v, OnFirstPreview called %d times", st, firstPreview.Load())
	}

	// Taps run the real buttons.
	var res map[string]string
	if code := hook(t, "POST", base+"/tap?name=golive", &res); code != http.StatusOK {
		t.Errorf("tap golive: %d %v", code, res)
	}
	if !slices.Contains(f.Calls(), "GoLive") {
		t.Errorf("tap golive did not go live: %v", f.Calls())
	}
	if code := hook(t, "POST", base+"/tap?name=reconnect:tw", nil); code != http.StatusConflict {
		t.Errorf("tap on a hidden Reconnect now: %d", code)
	}
	if code := hook(t, "POST", base+"/tap?name=nothing", nil); code != http.StatusNotFound {
		t.Errorf("tap on an unknown name: %d", code)
	}
	s := reconnectingSnapshot()
	s.Server = serverSnapshot().Server
	f.setSnapshot(s)
	waitFor(t, "the reconnecting snapshot", func() bool {
		var live bool
		ui.run(func() { live = w.dests.rows["tw"].reconnect.Visible() })
		return live
	})
	if code := hook(t, "POST", base+"/tap?name=reconnect:tw", nil); code != http.StatusOK || !slices.Contains(f.Calls(), "ReconnectNow(tw)") {
		t.Errorf("tap reconnect:tw: %d, calls %v", code, f.Calls())
	}
	if code := hook(t, "POST", base+"/tap?name=apply-output", nil); code != http.StatusConflict {
		t.Errorf("Apply while live should be disabled: %d", code)
	}

	// Geometry in window pixels.
	ui.run(func() { w.tabs.SelectIndex(2) })
	for _, name := range []string{"preview", "tile:live/cam"} {
		var g geometryReply
		if code := hook(t, "GET", base+"/geometry?name="+name, &g); code != http.StatusOK || g.W <= 0 || g.H <= 0 {
			t.Errorf("geometry %s: %d %+v", name, code, g)
		}
		if g.Picture.W*9 > g.Picture.H*16+16 || g.Picture.H*16 > g.Picture.W*9+16 || g.Picture.X < g.X || g.Picture.W > g.W {
			t.Errorf("geometry %s: picture %+v is not 16:9 inside %+v", name, g.Picture, g.rect)
		}
	}
	if code := hook(t, "GET", base+"/geometry?name=tile:live/none", nil); code != http.StatusNotFound {
		t.Errorf("geometry of a missing tile: %d", code)
	}
	if code := hook(t, "GET", base+"/geometry?name=hint:destinations", nil); code != http.StatusNotFound {
		t.Errorf("geometry of the destinations hint, hidden while a destination is enabled: %d", code)
	}
	var stalls StallStats
	waitFor(t, "watchdog samples", func() bool {
		return hook(t, "GET", base+"/stalls", &stalls) == http.StatusOK && stalls.Samples > 0
	})

	// Close, here from the test goroutine, stops everything.
	w.Close()
	waitClosed(t, w)
	assertNoWindowGoroutines(t)
	for _, name := range []string{"live/cam", "live/obs"} {
		if n, stops := f.watchState(name); n != 0 || stops != 1 {
			t.Errorf("%s after close: watching %d, stops %d", name, n, stops)
		}
	}
	if _, err := http.Get(base + "/ready"); err == nil {
		t.Error("the automation hook still answers after Close")
	}
	w.Close() // twice is fine
	ui.run(func() {})
}

// waitClosed waits for the window to report that everything stopped.
func waitClosed(t *testing.T, w *Window) {
	t.Helper()
	select {
	case <-w.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the window did not stop")
	}
}

func TestAutomationRefusesOtherHosts(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "192.168.1.10:7070", "localhost:0", "nonsense"} {
		ui := newUILoop(t)
		w := newWindow(test.NewTempApp(t), newFakeStudio(idleSnapshot()), Options{Automation: addr}, ui.post)
		ui.run(w.Show)
		if got := w.AutomationAddr(); got != "" {
			t.Errorf("Automation %q: listening on %s", addr, got)
		}
		w.Close()
		waitClosed(t, w)
	}
	assertNoWindowGoroutines(t)
}
