package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
)

// portInUseSnapshot: a first run whose local server could not start,
// because another program holds port 1935.
func portInUseSnapshot() app.StudioSnapshot {
	s := idleSnapshot()
	s.Destinations, s.Warnings = nil, nil
	s.Server = app.LocalServerStatus{Port: 1935, PortInUse: true, FreePort: 1936,
		Error: "the local server could not start: port 1935 is already in use by another program (another onair serve or studio window, nginx-rtmp, OBS…)"}
	s.Error = "Go Live has nowhere to send the program: no destination is enabled, and the local server could not start (port 1935 is in use by another program)."
	return s
}

// Port 1935 taken: the hints tell the truth, Go Live says why it cannot go
// live and offers the ways out instead of doing nothing, and the Local
// server tab takes another port.
func TestLocalServerPortInUse(t *testing.T) {
	f := newFakeStudio(portInUseSnapshot())
	w := newTestWindow(t, f)
	hint := w.dests.hint.Text
	if !w.dests.hint.Visible() || strings.Contains(hint, "sends the program to the local server") ||
		!strings.Contains(hint, "nowhere to send") || !strings.Contains(hint, "port 1935 is in use") || !strings.Contains(hint, "Add destination") {
		t.Errorf("first-run hint with the server down: %q", hint)
	}
	if !strings.Contains(w.top.problem.Text, "nowhere to send") {
		t.Errorf("the Go Live area says %q; want why Go Live cannot go live", w.top.problem.Text)
	}

	test.Tap(w.top.goLive)
	if slices.Contains(f.Calls(), "GoLive") || w.nowhere == nil {
		t.Fatalf("Go Live with nowhere to send: calls %v, dialog %v; want the dialog and no GoLive", f.Calls(), w.nowhere != nil)
	}
	markup := test.RenderToMarkup(w.win.Canvas())
	for _, want := range []string{"Go Live has nowhere to send the program", "port 1935 is already in use", "Add destination", "Local server settings"} {
		if !strings.Contains(markup, want) {
			t.Errorf("the dialog does not show %q", want)
		}
	}
	if strings.Count(w.nowhere.msg, "could not start") != 1 {
		t.Errorf("the dialog repeats itself: %q", w.nowhere.msg)
	}
	if w.nowhere.usePort == nil || w.nowhere.usePort.Text != "Use port 1936 and go live" {
		t.Fatal("the dialog offers no free port")
	}
	test.Tap(w.nowhere.usePort)
	if want := []string{"SetLocalServerPort(1936)", "GoLive"}; !slices.Equal(f.Calls(), want) {
		t.Errorf("calls after Use port: %v; want %v", f.Calls(), want)
	}

	// The Local server tab: the problem with its way out, a free-port
	// button, and a port field that refuses what is not a port.
	w.tabs.SelectIndex(2)
	if p := w.server.problem.Text; !w.server.problem.Visible() || !strings.Contains(p, "port 1935 is already in use") ||
		!strings.Contains(p, "Change the port above (1936 is free), or turn the local server off") {
		t.Errorf("server problem %q", p)
	}
	if !w.server.usePort.Visible() || w.server.usePort.Text != "Use port 1936" || w.server.port.Text != "1935" {
		t.Errorf("use-port button %v %q, port field %q", w.server.usePort.Visible(), w.server.usePort.Text, w.server.port.Text)
	}
	w.server.port.SetText("19x")
	w.server.portTapped()
	if !w.server.portErr.Visible() || !strings.Contains(w.server.portErr.Text, `"19x" is not a port`) {
		t.Errorf("port error %q", w.server.portErr.Text)
	}
	w.server.port.SetText("1940")
	w.server.portTapped()
	if got := f.Calls(); got[len(got)-1] != "SetLocalServerPort(1940)" || w.server.portErr.Visible() {
		t.Errorf("calls %v, port error shown %v", got, w.server.portErr.Visible())
	}

	// Fixed: the server runs on another port, the first-run hint is back.
	s := idleSnapshot()
	s.Destinations, s.Warnings = nil, nil
	s.Server.Port = 1936
	f.setSnapshot(s)
	w.pollForTest()
	if w.dests.hint.Text != firstDestinationHint || w.server.problem.Visible() || w.server.usePort.Visible() {
		t.Errorf("after the fix: hint %q, problem shown %v, use-port shown %v", w.dests.hint.Text, w.server.problem.Visible(), w.server.usePort.Visible())
	}
}

// In LAN mode the Address shows every address of this computer, or says
// there is none.
func TestLocalServerAddresses(t *testing.T) {
	s := serverSnapshot()
	s.Server.Hosts = []string{"192.168.1.10", "10.8.0.2"}
	f := newFakeStudio(s)
	w := newTestWindow(t, f)
	if got := w.server.addr.Text; got != "rtmp://192.168.1.10:1935 (also 10.8.0.2)" {
		t.Errorf("two networks: %q", got)
	}
	s.Server.Addr, s.Server.Hosts = "127.0.0.1:1935", nil
	f.setSnapshot(s)
	w.pollForTest()
	if got := w.server.addr.Text; !strings.Contains(got, "no network address") {
		t.Errorf("no network address: %q", got)
	}
}

// After Stop recording the top bar names the file and opens its folder.
func TestRecordingSavedShowsFile(t *testing.T) {
	s := idleSnapshot()
	s.Recording = app.RecordingStatus{On: true, Path: "/home/u/Videos/OnAir Studio/program-2025-03-14_20-00-00.mp4", Duration: 83 * time.Second}
	f := newFakeStudio(s)
	var opened []string
	w := newTestWindowWith(t, f, Options{OpenFolder: func(dir string) error { opened = append(opened, dir); return nil }})
	if w.top.saved.Visible() || w.top.openFolder.Visible() {
		t.Error("the saved file shows while recording")
	}
	s.Recording.On = false
	f.setSnapshot(s)
	w.pollForTest()
	if !w.top.saved.Visible() || w.top.saved.Text != "Saved program-2025-03-14_20-00-00.mp4" || !w.top.openFolder.Visible() {
		t.Fatalf("after Stop recording: %q visible %v, Open folder %v", w.top.saved.Text, w.top.saved.Visible(), w.top.openFolder.Visible())
	}
	test.Tap(w.top.openFolder)
	if !slices.Equal(opened, []string{"/home/u/Videos/OnAir Studio"}) {
		t.Errorf("opened %v; want the recording's folder", opened)
	}
	s.Recording = app.RecordingStatus{On: true, Path: "/home/u/Videos/OnAir Studio/program-2.mp4"}
	f.setSnapshot(s)
	w.pollForTest()
	if w.top.saved.Visible() || w.top.openFolder.Visible() {
		t.Error("the last file still shows during the next recording")
	}
}

// The About button says the version, that FFmpeg is linked in, the licence
// and where the source is (issue 11: --version says it; so does the window).
func TestAboutSaysVersionFFmpegLicenceAndSource(t *testing.T) {
	w := newTestWindowWith(t, newFakeStudio(app.StudioSnapshot{}), Options{About: About{
		Version: "0.1.0", Linked: "FFmpeg 7.1.5 with x264", License: "GPL-2.0-or-later", Source: "https://example.org/onair",
	}})
	test.Tap(w.top.about)
	for _, want := range []string{"OnAir Studio 0.1.0", "FFmpeg 7.1.5 with x264, linked in", "GPL-2.0-or-later", "https://example.org/onair"} {
		if !strings.Contains(w.about, want) {
			t.Errorf("the About dialog does not say %q:\n%s", want, w.about)
		}
	}
	if _, ok := w.win.Canvas().Overlays().Top().(*widget.PopUp); !ok {
		t.Errorf("no dialog is shown after tapping About (top overlay %T)", w.win.Canvas().Overlays().Top())
	}
}

// With the encoders paused (nobody takes the program) the stats bar says
// so instead of "Output 0.0 fps".
func TestStatsBarSaysTheEncoderIsIdle(t *testing.T) {
	snap := app.StudioSnapshot{EncoderIdle: true}
	w := newTestWindow(t, newFakeStudio(snap))
	w.pollForTest()
	if got := w.stats.fps.Text; !strings.Contains(got, "idle") {
		t.Errorf("stats bar says %q; want that the encoder is idle", got)
	}
}
