package ui

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
)

// sceneFade is the fade the window's scene buttons and Ctrl+digit use.
const sceneFade = 500 * time.Millisecond

// scenesRow is the scene switcher under the preview: a button per scene
// (the one on air highlighted) and the Fade choice. Keys 1–9 cut to the
// first nine scenes; Ctrl+1–9 fade to them.
type scenesRow struct {
	w       *Window
	names   []string
	current string
	buttons *fyne.Container
	fade    *widget.Check
	label   *widget.Label // the row's label in the panel's form
	obj     *fyne.Container
}

func newScenesRow(w *Window) *scenesRow {
	r := &scenesRow{w: w, buttons: container.NewHBox(), label: widget.NewLabel("Scene")}
	r.fade = widget.NewCheck("Fade", nil)
	r.obj = container.NewBorder(nil, nil, nil, r.fade, container.NewHScroll(r.buttons))
	r.obj.Hide()
	r.label.Hide()
	return r
}

// bindKeys adds the scene keys to the window's canvas: digits when no
// field has the focus (typing a digit in a field never switches scenes).
func (r *scenesRow) bindKeys(c fyne.Canvas) {
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if i, ok := digitIndex(ev.Name); ok {
			r.switchTo(i, r.transition())
		}
	})
	for i := 1; i <= 9; i++ {
		key := fyne.KeyName(fmt.Sprint(i))
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
			r.switchTo(i-1, sceneFade)
		})
	}
}

// digitIndex maps keys 1–9 to 0–8.
func digitIndex(k fyne.KeyName) (int, bool) {
	if len(k) == 1 && k[0] >= '1' && k[0] <= '9' {
		return int(k[0] - '1'), true
	}
	return 0, false
}

// transition is the fade the Fade check asks for, or 0 (a cut).
func (r *scenesRow) transition() time.Duration {
	if r.fade.Checked {
		return sceneFade
	}
	return 0
}

// switchTo asks the studio for scene i, if there is one.
func (r *scenesRow) switchTo(i int, fade time.Duration) {
	if i < 0 || i >= len(r.names) {
		return
	}
	r.w.s.SwitchScene(r.names[i], fade)
}

// update shows the snapshot's scenes, rebuilding the buttons only when the
// names or the scene on air changed.
func (r *scenesRow) update(snap app.StudioSnapshot) {
	if slices.Equal(snap.Scenes, r.names) && snap.Scene == r.current {
		return
	}
	r.names, r.current = slices.Clone(snap.Scenes), snap.Scene
	objs := make([]fyne.CanvasObject, len(r.names))
	for i, name := range r.names {
		label := name
		if i < 9 {
			label = fmt.Sprintf("%d  %s", i+1, name)
		}
		b := widget.NewButton(label, func() { r.switchTo(i, r.transition()) })
		if name == r.current {
			b.Importance = widget.HighImportance
		}
		objs[i] = b
	}
	r.buttons.Objects = objs
	r.buttons.Refresh()
	if len(r.names) == 0 {
		r.obj.Hide()
		r.label.Hide()
	} else {
		r.obj.Show()
		r.label.Show()
	}
}
