package ui

import (
	"errors"
	"image/color"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/ui/widgets"

	"github.com/seed7c1a73c4/onair/app/store"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/seed7c1a73c4/onair/app"
)

// assertNoKey fails when a stream or server key shows up in the rendered
// markup of the window (dialogs included).
func assertNoKey(t *testing.T, w *Window, keys ...string) {
	t.Helper()
	markup := test.RenderToMarkup(w.win.Canvas())
	for _, k := range append(keys, testKey, "full-publish-key") {
		if strings.Contains(markup, k) {
			t.Errorf("rendered markup contains the key %q", k)
		}
	}
}

func TestStateIdle(t *testing.T) {
	w := newTestWindow(t, newFakeStudio(idleSnapshot()))
	test.AssertRendersToMarkup(t, "studio/idle.xml", w.win.Canvas())
	if w.top.tally.Visible() || w.top.goLive.Text != "Go Live" {
		t.Errorf("idle: tally visible %v, button %q", w.top.tally.Visible(), w.top.goLive.Text)
	}
	if w.dests.hint.Visible() {
		t.Error("the no-destination hint shows although a destination is enabled")
	}
	assertNoKey(t, w)
}

func TestStateNoDestination(t *testing.T) {
	s := idleSnapshot()
	s.Destinations[0].Enabled = false
	s.Live = true
	s.ProgramPlayURL = "rtmp://127.0.0.1:1935/live/program"
	f := newFakeStudio(s)
	w := newTestWindow(t, f)
	if !w.dests.hint.Visible() || w.dests.hint.Text != noDestinationHint {
		t.Errorf("hint %q visible %v", w.dests.hint.Text, w.dests.hint.Visible())
	}
	if !w.dests.programRow.Visible() || w.dests.programURL.Text != s.ProgramPlayURL {
		t.Errorf("program URL row %v %q", w.dests.programRow.Visible(), w.dests.programURL.Text)
	}
}

// A first run has no destination at all: the tab says how to add one.
func TestStateFirstRun(t *testing.T) {
	s := idleSnapshot()
	s.Destinations = nil
	w := newTestWindow(t, newFakeStudio(s))
	if !w.dests.hint.Visible() || w.dests.hint.Text != firstDestinationHint {
		t.Errorf("hint %q visible %v; want the first-run hint", w.dests.hint.Text, w.dests.hint.Visible())
	}
	test.AssertRendersToMarkup(t, "studio/first_run.xml", w.win.Canvas())
}

func TestStateLiveTwoDestinations(t *testing.T) {
	w := newTestWindow(t, newFakeStudio(liveSnapshot()))
	test.AssertRendersToMarkup(t, "studio/live.xml", w.win.Canvas())
	if got := w.top.tallyText.Text; got != "● LIVE 01:02:03" {
		t.Errorf("tally %q", got)
	}
	if w.top.goLive.Text != "Stop" {
		t.Errorf("button %q while live", w.top.goLive.Text)
	}
	if got := w.dests.rows["yt"].state.Text; got != "● live · 4.51 Mb/s" {
		t.Errorf("state line %q", got)
	}
	if got := w.stats.dests.Text; got != "My YouTube 4.5 Mb/s · Twitch 3.0 Mb/s" {
		t.Errorf("stats summary %q", got)
	}
	if !w.output.apply.Disabled() {
		t.Error("the output form is not locked while live")
	}
	assertNoKey(t, w)
}

func TestStateDestinationError(t *testing.T) {
	w := newTestWindow(t, newFakeStudio(errorSnapshot()))
	test.AssertRendersToMarkup(t, "studio/error.xml", w.win.Canvas())
	r := w.dests.rows["tw"]
	if r.state.Text != "error" || !r.lastErr.Visible() || !strings.HasPrefix(r.lastErr.Text, "Twitch refused") {
		t.Errorf("error row: %q, %q (visible %v)", r.state.Text, r.lastErr.Text, r.lastErr.Visible())
	}
	if r.reconnect.Visible() {
		t.Error("Reconnect now shows on a destination in error")
	}
}

func TestStateReconnecting(t *testing.T) {
	f := newFakeStudio(reconnectingSnapshot())
	w := newTestWindow(t, f)
	test.AssertRendersToMarkup(t, "studio/reconnecting.xml", w.win.Canvas())
	r := w.dests.rows["tw"]
	if r.state.Text != "reconnecting in 7 s" || !r.reconnect.Visible() {
		t.Fatalf("reconnecting row: %q, button visible %v", r.state.Text, r.reconnect.Visible())
	}
	test.Tap(r.reconnect)
	if !slices.Contains(f.Calls(), "ReconnectNow(tw)") {
		t.Errorf("Reconnect now did not call ReconnectNow(tw): %v", f.Calls())
	}

	// One that was never live could not connect: it is not "reconnecting".
	s := reconnectingSnapshot()
	s.Destinations[1].Reached = false
	f.setSnapshot(s)
	w.pollForTest()
	if r.state.Text != "could not connect · retrying in 7 s" {
		t.Errorf("never-reached row: %q", r.state.Text)
	}
}

func TestStateLocalServerTiles(t *testing.T) {
	f := newFakeStudio(serverSnapshot())
	colours := map[string]color.RGBA{"live/cam": {R: 200, A: 255}, "live/obs": {B: 200, A: 255}}
	f.watch = func(name string) *program.FrameMailbox { return solidBox(64, 36, colours[name]) }
	w := newTestWindow(t, f)
	w.tabs.SelectIndex(2)
	w.tick()
	test.AssertRendersToMarkup(t, "studio/server.xml", w.win.Canvas())

	if got := w.server.tiles.order; !slices.Equal(got, []string{"live/cam", "live/obs"}) {
		t.Fatalf("tiles %v (the program gets none)", got)
	}
	if n, _ := f.watchState("live/program"); n != 0 {
		t.Error("the program stream is watched")
	}
	for name, c := range colours {
		tl := w.server.tiles.tiles[name]
		if got := tl.pic.rgba.RGBAAt(10, 10); got != c {
			t.Errorf("%s tile pixel %v, want %v", name, got, c)
		}
	}
	cam := w.server.tiles.tiles["live/cam"]
	if cam.rate.Text != "1280x720 · 30 fps · 2.50 Mb/s" || cam.from.Text != "192.168.1.23:50122 · 1 player · up 00:05:12" {
		t.Errorf("tile text %q / %q", cam.rate.Text, cam.from.Text)
	}
	if !w.server.tiles.tiles["live/obs"].meter.ClipLit() {
		t.Error("CLIP is not lit for a clipped stream")
	}
	assertNoKey(t, w)
}

func TestStateOutputValidationError(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.applyOutput = func(o program.OutputConfig) error { return o.Validate() }
	w := newTestWindow(t, f)
	w.tabs.SelectIndex(1)
	o := w.output
	o.bitrate.SetText("50")
	o.keyint.SetText("0.1")
	test.Tap(o.apply)

	cfg := program.DefaultOutput()
	cfg.VideoBitrate, cfg.KeyInt = 50_000, 100_000_000
	want := widgets.Sentences(cfg.Validate())
	if len(want) != 2 || !slices.Equal(o.errs.Texts(), want) {
		t.Fatalf("inline errors %q, want %q", o.errs.Texts(), want)
	}
	if !o.errs.Object().Visible() || o.status.Visible() {
		t.Error("the error list is hidden or Applied shows")
	}
	test.AssertRendersToMarkup(t, "studio/output_error.xml", w.win.Canvas())

	// Unreadable input is reported without asking the studio.
	o.bitrate.SetText("fast")
	n := len(f.Calls())
	test.Tap(o.apply)
	if len(f.Calls()) != n || len(o.errs.Texts()) != 1 || !strings.Contains(o.errs.Texts()[0], "not a bitrate") {
		t.Errorf("unreadable bitrate: errors %q, calls %v", o.errs.Texts(), f.Calls()[n:])
	}
}

// A stream named after a key shows its masked title, never the key.
func TestTileShowsTheMaskedTitle(t *testing.T) {
	s := serverSnapshot()
	s.Server.Streams[0].Name = "live/" + testKey
	s.Server.Streams[0].Title = "live/" + store.Mask
	w := newTestWindow(t, newFakeStudio(s))
	w.tabs.SelectIndex(2)
	tl := w.server.tiles.tiles["live/"+testKey]
	if tl == nil || tl.title.Text != "live/"+store.Mask {
		t.Fatalf("tile title: %+v", tl)
	}
	assertNoKey(t, w)
}

// Recording: the button toggles, the REC timer shows, and a recording that
// stopped by itself says why in the top bar.
func TestStateRecording(t *testing.T) {
	s := liveSnapshot()
	s.Recording = app.RecordingStatus{On: true, Path: "/home/me/Videos/OnAir Studio/program-x.mp4", Duration: 83 * time.Second}
	f := newFakeStudio(s)
	w := newTestWindow(t, f)
	if !w.top.recText.Visible() || w.top.recText.Text != "● REC 00:01:23" || w.top.record.Text != "Stop recording" {
		t.Errorf("recording: label %q (visible %v), button %q", w.top.recText.Text, w.top.recText.Visible(), w.top.record.Text)
	}
	w.top.record.Tapped(nil)
	s.Recording = app.RecordingStatus{Error: "recording stopped: the disk is full."}
	f.setSnapshot(s)
	w.pollForTest()
	if w.top.recText.Visible() || w.top.record.Text != "Record" || w.top.problem.Text != s.Recording.Error {
		t.Errorf("stopped: label visible %v, button %q, problem %q", w.top.recText.Visible(), w.top.record.Text, w.top.problem.Text)
	}
	w.top.record.Tapped(nil)
	if got := f.Calls(); !slices.Equal(got, []string{"StopRecording", "StartRecording"}) {
		t.Errorf("calls %v", got)
	}
}

// A restreamed tile lists where it goes and offers to stop sending.
func TestTileShowsItsForward(t *testing.T) {
	s := serverSnapshot()
	s.Server.Streams[0].Forwarding = []dest.Status{{ID: "yt", Name: "My YouTube", State: dest.StateLive, Bitrate: 2_500_000}}
	f := newFakeStudio(s)
	w := newTestWindow(t, f)
	w.tabs.SelectIndex(2)
	tl := w.server.tiles.tiles["live/cam"]
	if tl.send.Text != "Stop sending" || !tl.sending.Visible() || tl.sending.Text != "→ My YouTube ● live · 2.50 Mb/s" {
		t.Fatalf("forwarding tile: button %q, line %q (visible %v)", tl.send.Text, tl.sending.Text, tl.sending.Visible())
	}
	// An HEVC camera restreamed as H.264: the line says so.
	s.Server.Streams[0].ForwardNote = "HEVC re-encoded to H.264 at 6 Mb/s"
	f.setSnapshot(s)
	w.pollForTest()
	if want := "→ My YouTube ● live · 2.50 Mb/s · HEVC re-encoded to H.264 at 6 Mb/s"; tl.sending.Text != want {
		t.Errorf("re-encoding tile: line %q, want %q", tl.sending.Text, want)
	}
	tl.send.Tapped(nil)
	if got := f.Calls(); !slices.Contains(got, "StopForward(live/cam)") {
		t.Errorf("calls %v", got)
	}
	s.Server.Streams[0].Forwarding, s.Server.Streams[0].ForwardNote = nil, ""
	f.setSnapshot(s)
	w.pollForTest()
	if tl.send.Text != "Send to destinations…" || tl.sending.Visible() {
		t.Errorf("after stop: button %q, line visible %v", tl.send.Text, tl.sending.Visible())
	}
	// Choosing destinations says what goes as it arrives and what not.
	f.mu.Lock()
	f.dests = []dest.Destination{{ID: "yt", Name: "My YouTube", Service: "youtube-rtmps"}}
	f.mu.Unlock()
	tl.send.Tapped(nil)
	top := w.win.Canvas().Overlays().Top()
	for _, want := range []string{"Send " + tl.label + " as it arrives to:", "An HEVC or AV1 camera is re-encoded to H.264 for the platforms that take only H.264 (all but YouTube)."} {
		if !hasText(top, want) {
			t.Errorf("the destinations dialog does not say %q", want)
		}
	}
}

// While live, the stats bar puts what the destinations send next to what
// they need, and a destination falling behind is named in the warnings.
func TestStatsShowTheUploadBudget(t *testing.T) {
	s := liveSnapshot()
	s.UploadNeeded, s.UploadMeasured = 9_320_000, 7_530_000
	s.Warnings = []dest.Warning{{Destination: "Twitch", Message: "Twitch is falling behind: 3.1s of the stream are waiting to be sent; the upload may be too slow for this bitrate."}}
	w := newTestWindow(t, newFakeStudio(s))
	if got := w.stats.dests.Text; !strings.HasPrefix(got, "Sending 7.5 Mb/s, needs 9.3 Mb/s · ") || strings.Contains(got, "budget") {
		t.Errorf("stats %q; want plain words", got)
	}
	// The detail is in the tip, shown while the pointer is over the figures.
	w.stats.dests.MouseIn(&desktop.MouseEvent{})
	tip := w.stats.dests.ShownTip()
	if tip == "" {
		t.Fatal("no tip over the upload figures")
	}
	for _, want := range []string{"4.5 Mb/s of video and 160 kb/s of audio for each of the 2 live destinations", "falling behind"} {
		if !strings.Contains(tip, want) {
			t.Errorf("tip %q lacks %q", tip, want)
		}
	}
	w.stats.dests.MouseOut()
	if w.stats.dests.ShownTip() != "" {
		t.Error("the tip stayed after the pointer left")
	}
	if markup := test.RenderToMarkup(w.win.Canvas()); !strings.Contains(markup, "Twitch is falling behind") {
		t.Error("the falling-behind warning is not shown")
	}
}

// A tile's "Show in scene" asks the studio to put the stream in the scene
// on air; a refusal is shown in one sentence.
func TestTileShowsItsStreamInTheScene(t *testing.T) {
	f := newFakeStudio(serverSnapshot())
	w := newTestWindow(t, f)
	w.tabs.SelectIndex(2)
	tl := w.server.tiles.tiles["live/cam"]
	test.Tap(tl.show)
	if got := f.Calls(); !slices.Equal(got, []string{"ShowInScene(live/cam)"}) {
		t.Errorf("calls %v", got)
	}
	f.mu.Lock()
	f.showInSceneErr = errors.New("the local server is off: turn it on to show its streams")
	f.mu.Unlock()
	test.Tap(tl.show)
	if !hasText(w.win.Canvas().Overlays().Top(), "The local server is off: turn it on to show its streams") {
		t.Error("the refusal is not shown")
	}
}

// hasText reports whether the texts drawn in o, run together, contain s.
func hasText(o fyne.CanvasObject, s string) bool {
	var all strings.Builder
	for _, x := range test.LaidOutObjects(o) {
		if t, ok := x.(*canvas.Text); ok {
			all.WriteString(t.Text + " ")
		}
	}
	return strings.Contains(strings.Join(strings.Fields(all.String()), " "), s)
}

// On a scene with a mix, the source selects say so instead of "(none)".
func TestSourceSelectsNameASceneAndAMix(t *testing.T) {
	s := idleSnapshot()
	s.Video, s.Scene, s.Audio = "scene", "Interview", "tone,desktop:speakers.monitor"
	s.Mix = []app.MixSource{{Name: "tone"}, {Name: "desktop:speakers.monitor"}, {Name: "stream: guest"}}
	f := newFakeStudio(s)
	w := newTestWindow(t, f)
	v, a := w.program.video.sel, w.program.audio.sel
	if v.Selected != "" || v.PlaceHolder != "Scene: Interview" || a.Selected != "" || a.PlaceHolder != "Mix of 3 sources (Mixer tab)" {
		t.Errorf("video %q/%q, audio %q/%q", v.Selected, v.PlaceHolder, a.Selected, a.PlaceHolder)
	}
	s.Video, s.Scene, s.Audio, s.Mix = "test", "", "tone", nil
	f.setSnapshot(s)
	w.pollForTest()
	if v.Selected != "Test pattern" || v.PlaceHolder != noSource || a.Selected != "Test tone" {
		t.Errorf("back on single sources: video %q/%q, audio %q", v.Selected, v.PlaceHolder, a.Selected)
	}
}

// Choosing HEVC with x264 selected moves the encoder to x265 (x264 makes
// H.264 only), and Apply sends both; back to H.264, x265 goes back to x264.
func TestOutputCodecChoiceFollowsTheEncoder(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	var applied []program.OutputConfig
	f.applyOutput = func(o program.OutputConfig) error {
		applied = append(applied, o)
		return o.Validate()
	}
	w := newTestWindow(t, f)
	w.tabs.SelectIndex(1)
	o := w.output
	o.encoder.SetSelected("x264")
	o.codec.SetSelected(codecLabel(program.CodecHEVC))
	if o.encoder.Selected != "x265" {
		t.Fatalf("encoder %q after choosing HEVC, want x265", o.encoder.Selected)
	}
	test.Tap(o.apply)
	if len(applied) != 1 || applied[0].Codec != program.CodecHEVC || applied[0].Encoder != "x265" {
		t.Fatalf("applied %+v, want HEVC with x265", applied)
	}
	if len(o.errs.Texts()) != 0 {
		t.Errorf("errors after a valid HEVC choice: %q", o.errs.Texts())
	}
	o.codec.SetSelected(codecLabel(program.CodecH264))
	if o.encoder.Selected != "x264" {
		t.Errorf("encoder %q after going back to H.264, want x264", o.encoder.Selected)
	}
	o.encoder.SetSelected("auto")
	o.codec.SetSelected(codecLabel(program.CodecHEVC))
	if o.encoder.Selected != "auto" {
		t.Errorf("auto became %q: it suits both codecs", o.encoder.Selected)
	}
}
