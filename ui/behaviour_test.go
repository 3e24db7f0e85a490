package ui

import (
	"errors"
	"image/color"
	"slices"
	"strings"
	"testing"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func TestGoLiveButton(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	w := newTestWindow(t, f)
	test.Tap(w.top.goLive)
	if !slices.Equal(f.Calls(), []string{"GoLive"}) {
		t.Fatalf("calls after Go Live: %v", f.Calls())
	}

	s := idleSnapshot()
	s.Connecting = true
	f.setSnapshot(s)
	w.pollForTest()
	if w.top.goLive.Text != "Stop" || w.top.goLive.Importance != widget.DangerImportance || !w.top.connecting.Visible() || w.top.tally.Visible() {
		t.Errorf("connecting: button %q, connecting %v, tally %v", w.top.goLive.Text, w.top.connecting.Visible(), w.top.tally.Visible())
	}
	f.setSnapshot(liveSnapshot())
	w.pollForTest()
	if !w.top.tally.Visible() || w.top.connecting.Visible() {
		t.Error("live: the tally is hidden or Connecting… shows")
	}
	test.Tap(w.top.goLive)
	if !slices.Equal(f.Calls(), []string{"GoLive", "Stop"}) {
		t.Fatalf("calls after Stop: %v", f.Calls())
	}
	f.setSnapshot(idleSnapshot())
	w.pollForTest()
	if w.top.goLive.Text != "Go Live" || w.top.tally.Visible() {
		t.Errorf("after stop: button %q, tally %v", w.top.goLive.Text, w.top.tally.Visible())
	}
}

func TestMuteToggle(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	w := newTestWindow(t, f)
	test.Tap(w.program.mute)
	if w.program.mute.Text != "Muted" {
		t.Errorf("button %q after muting", w.program.mute.Text)
	}
	test.Tap(w.program.mute)
	if !slices.Equal(f.Calls(), []string{"SetMuted(true)", "SetMuted(false)"}) {
		t.Fatalf("calls %v", f.Calls())
	}

	s := idleSnapshot()
	s.Muted = true
	f.setSnapshot(s)
	w.pollForTest()
	if w.program.mute.Text != "Muted" || len(f.Calls()) != 2 {
		t.Errorf("snapshot mute: button %q, calls %v", w.program.mute.Text, f.Calls())
	}
}

func TestSourcesAndGain(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	w := newTestWindow(t, f)
	if w.program.video.sel.Selected != "Test pattern" || w.program.audio.sel.Selected != "Test tone" {
		t.Fatalf("selected %q / %q", w.program.video.sel.Selected, w.program.audio.sel.Selected)
	}
	w.program.video.sel.SetSelected("HD Webcam")
	w.program.audio.sel.SetSelected("No audio")
	w.program.gain.SetValue(6)
	want := []string{"SetVideoSource(camera:0)", "SetAudioSource(none)", "SetGain(6.0)"}
	if !slices.Equal(f.Calls(), want) {
		t.Fatalf("calls %v, want %v", f.Calls(), want)
	}
	if w.program.gainLabel.Text != "+6.0 dB" {
		t.Errorf("gain label %q", w.program.gainLabel.Text)
	}

	// The studio's answer moves the widgets without echoing commands back.
	s := idleSnapshot()
	s.Video, s.GainDB = "camera:0", -3
	f.setSnapshot(s)
	w.pollForTest()
	w.pollForTest()
	if !slices.Equal(f.Calls(), want) {
		t.Errorf("applying snapshots sent commands: %v", f.Calls()[len(want):])
	}
	if w.program.gain.Value != -3 || w.program.gainLabel.Text != "-3.0 dB" || w.program.video.sel.Selected != "HD Webcam" {
		t.Errorf("after snapshot: gain %v %q, video %q", w.program.gain.Value, w.program.gainLabel.Text, w.program.video.sel.Selected)
	}
}

func TestDestinationEnabledCheck(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	w := newTestWindow(t, f)
	test.Tap(w.dests.rows["tw"].enabled)
	w.pollForTest() // the snapshot still says off: the check follows it, silently
	if !slices.Equal(f.Calls(), []string{"SetDestinationEnabled(tw,true)"}) {
		t.Errorf("calls %v", f.Calls())
	}
}

func TestEditorKeyIsMasked(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.dests = testDestinations()
	w := newTestWindow(t, f)
	w.editDestination("yt")
	e := w.editor
	if e == nil {
		t.Fatal("the editor did not open")
	}
	if !e.key.Password || e.key.Text != testKey {
		t.Fatalf("key entry: password %v, holds the key %v", e.key.Password, e.key.Text == testKey)
	}
	test.AssertRendersToMarkup(t, "studio/editor.xml", w.win.Canvas())
	markup := test.RenderToMarkup(w.win.Canvas())
	if !strings.Contains(markup, strings.Repeat("•", len(testKey))) {
		t.Error("the key is not shown as dots")
	}
	assertNoKey(t, w)

	pasted := "pasted-key-ABCDEFGH12345"
	w.app.Clipboard().SetContent(" " + pasted + "\n")
	test.Tap(e.paste)
	if e.key.Text != pasted {
		t.Errorf("pasted key %q", e.key.Text)
	}
	assertNoKey(t, w, pasted)
}

func TestEditorSaveErrorInline(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.dests = testDestinations()
	f.saveDestination = func(d dest.Destination) error {
		return errors.Join(errors.New("the name is empty: give the destination a name"), errors.New("the server URL must start with rtmp:// or rtmps://"))
	}
	w := newTestWindow(t, f)
	w.editDestination("yt")
	e := w.editor
	e.name.SetText("")
	test.Tap(e.save)
	want := []string{"The name is empty: give the destination a name", "The server URL must start with rtmp:// or rtmps://"}
	if !slices.Equal(e.errs.Texts(), want) || w.editor != e {
		t.Fatalf("inline errors %q, editor open %v", e.errs.Texts(), w.editor == e)
	}
	test.AssertRendersToMarkup(t, "studio/editor_error.xml", w.win.Canvas())

	var saved dest.Destination
	f.saveDestination = func(d dest.Destination) error { saved = d; return nil }
	e.name.SetText("Main channel")
	test.Tap(e.save)
	if w.editor != nil {
		t.Error("the editor stayed open after a good save")
	}
	if saved.ID != "yt" || saved.Name != "Main channel" || saved.Service != "youtube" || saved.Key != testKey || !saved.Enabled {
		t.Errorf("saved %+v", saved)
	}
}

func TestEditorServicePresetFillsServer(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	w := newTestWindow(t, f)
	w.openEditor(dest.Destination{Enabled: true})
	e := w.editor
	if e.service.Selected != "YouTube" || e.server.Text != "rtmp://a.rtmp.youtube.com/live2" {
		t.Errorf("new destination: %q %q", e.service.Selected, e.server.Text)
	}
	e.service.SetSelected("Twitch")
	if e.server.Text != "rtmp://live.twitch.tv/app" || !strings.Contains(e.help.Text, "Twitch dashboard") {
		t.Errorf("after Twitch: %q, help %q", e.server.Text, e.help.Text)
	}
	e.service.SetSelected("Custom RTMP") // no default server: Twitch's goes
	if e.server.Text != "" {
		t.Errorf("custom kept Twitch's server: %q", e.server.Text)
	}
	e.server.SetText("rtmp://relay.example/live")
	e.service.SetSelected("Twitch")
	e.service.SetSelected("Custom RTMP")
	e.server.SetText("rtmp://my.relay/live")
	e.service.SetSelected("Custom RTMP")
	if e.server.Text != "rtmp://my.relay/live" {
		t.Errorf("custom replaced a URL the user typed: %q", e.server.Text)
	}
}

// A new destination starts on the first preset, which is RTMPS with the
// studio's real presets; Custom then empties the server field.
func TestEditorDefaultsToRTMPS(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.services = dest.Services()
	w := newTestWindow(t, f)
	w.openEditor(dest.Destination{Enabled: true})
	e := w.editor
	if e.service.Selected != "YouTube (RTMPS)" || e.server.Text != "rtmps://a.rtmps.youtube.com:443/live2" {
		t.Errorf("a new destination starts on %q %q; want YouTube over RTMPS", e.service.Selected, e.server.Text)
	}
	e.service.SetSelected("Twitch")
	if !strings.HasPrefix(e.server.Text, "rtmps://") {
		t.Errorf("Twitch's server %q is not RTMPS", e.server.Text)
	}
	e.service.SetSelected("Custom")
	if e.server.Text != "" {
		t.Errorf("Custom kept the preset server %q", e.server.Text)
	}
}

// The key's eye follows the usual convention: an eye (show) while the key
// is hidden, a crossed eye (hide) while it shows.
func TestEditorRevealEye(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.dests = testDestinations()
	w := newTestWindow(t, f)
	w.editDestination("yt")
	e := w.editor
	if e.key.ActionItem != e.reveal || !e.key.Password || e.reveal.Icon != theme.VisibilityIcon() {
		t.Fatalf("hidden key: password %v, icon %v; want the eye", e.key.Password, e.reveal.Icon.Name())
	}
	test.Tap(e.reveal)
	if e.key.Password || e.reveal.Icon != theme.VisibilityOffIcon() {
		t.Errorf("shown key: password %v, icon %v; want the crossed eye", e.key.Password, e.reveal.Icon.Name())
	}
	test.Tap(e.reveal)
	if !e.key.Password || e.reveal.Icon != theme.VisibilityIcon() {
		t.Errorf("hidden again: password %v, icon %v", e.key.Password, e.reveal.Icon.Name())
	}
	assertNoKey(t, w)
}

// A key with a space inside is refused as it is typed, naming the key.
func TestEditorKeyWithSpace(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.dests = testDestinations()
	w := newTestWindow(t, f)
	w.editDestination("yt")
	e := w.editor
	e.key.SetText("abcd-efgh ijkl-mnop")
	if !e.keyErr.Visible() || !strings.Contains(e.keyErr.Text, "The stream key has a space in it") {
		t.Errorf("key error %q visible %v", e.keyErr.Text, e.keyErr.Visible())
	}
	test.Tap(e.save)
	if slices.ContainsFunc(f.Calls(), func(c string) bool { return strings.HasPrefix(c, "SaveDestination") }) || w.editor != e {
		t.Errorf("a key with a space was saved: %v", f.Calls())
	}
	e.key.SetText("abcd-efgh-ijkl-mnop")
	if e.keyErr.Visible() {
		t.Errorf("the error stayed for a good key: %q", e.keyErr.Text)
	}
}

func TestWatchersStop(t *testing.T) {
	f := newFakeStudio(serverSnapshot())
	f.watch = func(string) *program.FrameMailbox { return solidBox(64, 36, color.RGBA{G: 255, A: 255}) }
	w := newTestWindow(t, f)
	if n, _ := f.watchState("live/cam"); n != 1 {
		t.Fatalf("live/cam watchers %d", n)
	}
	// Enlarge the obs tile; then obs goes away.
	obs := w.server.tiles.tiles["live/obs"]
	test.Tap(obs.view)
	if obs.enlarged == nil || len(obs.pic.views) != 2 {
		t.Fatal("tapping the picture did not enlarge it")
	}
	s := serverSnapshot()
	s.Server.Streams = s.Server.Streams[:2]
	f.setSnapshot(s)
	w.pollForTest()
	if n, stops := f.watchState("live/obs"); n != 0 || stops != 1 {
		t.Errorf("live/obs after it left: watching %d, stops %d", n, stops)
	}
	if obs.enlarged != nil {
		t.Error("the enlarged view of a gone stream stayed open")
	}
	if n, stops := f.watchState("live/cam"); n != 1 || stops != 0 {
		t.Errorf("live/cam: watching %d, stops %d", n, stops)
	}
	w.Close()
	if n, stops := f.watchState("live/cam"); n != 0 || stops != 1 {
		t.Errorf("live/cam after close: watching %d, stops %d", n, stops)
	}
}

func TestServerKeysAndCopy(t *testing.T) {
	f := newFakeStudio(serverSnapshot())
	w := newTestWindow(t, f)
	w.tabs.SelectIndex(2)
	w.server.copyPublishURL()
	if got := w.app.Clipboard().Content(); got != "rtmp://192.168.1.10:1935/live/NAME?key=k3F9-full-publish-key-0001" {
		t.Errorf("copied %q", got)
	}
	assertNoKey(t, w)

	row := w.server.keysBox.Objects[0]
	var label *widget.Label
	var reveal *widget.Button
	for _, o := range test.LaidOutObjects(row) {
		switch v := o.(type) {
		case *widget.Label:
			if label == nil {
				label = v
			}
		case *widget.Button:
			if reveal == nil {
				reveal = v
			}
		}
	}
	test.Tap(reveal)
	if label.Text != "k3F9-full-publish-key-0001" {
		t.Errorf("revealed %q", label.Text)
	}
	test.Tap(reveal)
	if label.Text != "k3F9…" {
		t.Errorf("hidden again: %q", label.Text)
	}
	assertNoKey(t, w)

	f.setSnapshot(serverSnapshot())
	w.pollForTest()
	if w.app.Clipboard().SetContent(""); true {
		cam := w.server.tiles.tiles["live/cam"]
		for _, o := range test.LaidOutObjects(cam.obj) {
			if b, ok := o.(*widget.Button); ok && b.Text == "Copy play URL" {
				test.Tap(b)
			}
		}
		if got := w.app.Clipboard().Content(); got != "rtmp://192.168.1.10:1935/live/cam" {
			t.Errorf("copied play URL %q", got)
		}
	}
}

// With no keyring, the key-file question waits for the first saved key:
// a first run opens on the studio, not on a dialog.
func TestKeyFileConsentAskedAtFirstKey(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.dests = testDestinations()
	var answers []bool
	w := newTestWindowWith(t, f, Options{KeyFileConsent: &KeyFileConsent{Path: "/home/u/keys.json", Answer: func(yes bool) { answers = append(answers, yes) }}})
	overlays := w.win.Canvas().Overlays()
	if top := overlays.Top(); top != nil {
		t.Fatalf("a dialog is open before any key was saved: %T", top)
	}
	w.editDestination("yt")
	w.editor.key.SetText("")
	test.Tap(w.editor.save) // no key: nothing to keep, nothing to ask
	if top := overlays.Top(); top != nil {
		t.Fatalf("a dialog is open after saving a destination without a key: %T", top)
	}
	w.editDestination("yt")
	w.editor.key.SetText("a-new-key-1234")
	test.Tap(w.editor.save)
	markup := test.RenderToMarkup(w.win.Canvas())
	if !strings.Contains(markup, "No system keyring") || !strings.Contains(markup, "/home/u/keys.json") {
		t.Fatal("saving the first key did not ask where to keep keys")
	}
	n := len(overlays.List())
	w.editDestination("yt")
	w.editor.key.SetText("another-key-5678")
	test.Tap(w.editor.save)
	if got := strings.Count(test.RenderToMarkup(w.win.Canvas()), "No system keyring"); got != 1 || len(overlays.List()) != n {
		t.Errorf("the question was asked again: %d times in the markup, %d overlays (was %d)", got, len(overlays.List()), n)
	}
}
