package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
)

// enlargedView is a tile's picture in a dialog, drawn from the same buffer.
type enlargedView struct {
	t   *tile
	img *canvas.Image
	dlg dialog.Dialog
}

// enlarge opens (or keeps) the tile's large view.
func (t *tile) enlarge() {
	if t.enlarged != nil {
		return
	}
	e := &enlargedView{t: t, img: t.pic.view(fyne.NewSize(640, 360))}
	e.dlg = dialog.NewCustom(t.label, "Close", onBlack(e.img), t.w.win)
	e.dlg.SetOnClosed(func() {
		t.pic.drop(e.img)
		if t.enlarged == e {
			t.enlarged = nil
		}
	})
	t.enlarged = e
	e.dlg.Show()
}

func (e *enlargedView) hide() { e.dlg.Hide() }
