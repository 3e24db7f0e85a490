package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestSceneButtonsAndKeys(t *testing.T) {
	s := idleSnapshot()
	s.Video, s.Scenes, s.Scene = "scene", []string{"Camera", "Screen + camera", "Camera + title"}, "Camera"
	f := newFakeStudio(s)
	w := newTestWindow(t, f)
	row := w.program.scenes
	if !row.obj.Visible() || len(row.buttons.Objects) != 3 {
		t.Fatalf("scene row visible %v with %d buttons, want 3", row.obj.Visible(), len(row.buttons.Objects))
	}
	button := func(i int) *widget.Button { return row.buttons.Objects[i].(*widget.Button) }
	if button(0).Importance != widget.HighImportance || button(1).Importance == widget.HighImportance {
		t.Error("the scene on air is not the highlighted one")
	}
	if button(1).Text != "2  Screen + camera" {
		t.Errorf("button 2 reads %q, want its key and name", button(1).Text)
	}
	test.Tap(button(1))
	test.Tap(row.fade)
	test.Tap(button(2))
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.Key1}) // Fade is on: a fade
	test.Tap(row.fade)
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.Key3})
	w.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.Key9}) // no ninth scene: nothing
	w.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierControl})
	want := []string{
		"SwitchScene(Screen + camera,0s)", "SwitchScene(Camera + title,500ms)", "SwitchScene(Camera,500ms)",
		"SwitchScene(Camera + title,0s)", "SwitchScene(Screen + camera,500ms)",
	}
	if !slices.Equal(f.Calls(), want) {
		t.Fatalf("calls %v\nwant %v", f.Calls(), want)
	}
	// The studio's answer moves the highlight, without echoing a command.
	s.Scene = "Camera + title"
	f.setSnapshot(s)
	w.pollForTest()
	if button(2).Importance != widget.HighImportance || button(0).Importance == widget.HighImportance {
		t.Error("the highlight did not follow the scene on air")
	}
	if len(f.Calls()) != len(want) {
		t.Errorf("applying a snapshot sent commands: %v", f.Calls()[len(want):])
	}
	// No scenes: no row.
	s.Scenes, s.Scene = nil, ""
	f.setSnapshot(s)
	w.pollForTest()
	if row.obj.Visible() || row.label.Visible() {
		t.Error("the scene row shows with no scenes")
	}
}
