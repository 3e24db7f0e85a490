package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// previewMinSize keeps the program preview readable at the window's
// minimum size (16:9).
var previewMinSize = fyne.NewSize(416, 234)

// newPreview builds the program preview from the studio's mailbox.
func (w *Window) newPreview() (*picture, *canvas.Image, fyne.CanvasObject) {
	p := newPicture(w.s.Preview())
	img := p.view(previewMinSize)
	return p, img, letterbox(img)
}

// tick runs on the UI goroutine 30 times a second: it copies the newest
// preview and tile frames into their buffers.
func (w *Window) tick() {
	if w.closed {
		return
	}
	if w.preview.update() && !w.firstPreviewDone {
		w.firstPreviewDone = true
		w.ready.markFirstPreview(w.opts.Start)
		if w.opts.OnFirstPreview != nil {
			w.opts.OnFirstPreview()
		}
	}
	w.server.tiles.tick()
}
