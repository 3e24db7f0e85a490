package ui

import (
	"bytes"
	"image"
	"image/png"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/skip2/go-qrcode"

	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// qrSize is the QR code's side on screen, big enough for a phone camera.
const qrSize = 148

// watchRow is the monitor page's address (without its key) with a Copy
// button, and the QR code of the link a phone opens (with the key in LAN
// mode, which the page then keeps in a cookie).
type watchRow struct {
	w      *Window
	url    *widget.Label
	qr     *canvas.Image
	link   string // what the QR code holds
	obj    fyne.CanvasObject
	qrCell *fyne.Container
}

func newWatchRow(w *Window) *watchRow {
	r := &watchRow{w: w}
	r.url = widgets.TruncLabel("", widget.MediumImportance)
	copyLink := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		w.app.Clipboard().SetContent(w.s.WatchLink())
	})
	r.qr = canvas.NewImageFromImage(image.NewGray(image.Rect(0, 0, 1, 1)))
	r.qr.FillMode = canvas.ImageFillContain
	r.qr.ScaleMode = canvas.ImageScalePixels
	r.qr.SetMinSize(fyne.NewSize(qrSize, qrSize))
	r.qrCell = container.NewHBox(r.qr, widget.NewLabel("Scan with a phone or a tablet\nto watch in its browser."))
	r.qrCell.Hide()
	r.obj = container.NewBorder(nil, nil, nil, copyLink, r.url)
	return r
}

// update shows url (from the snapshot) and redraws the QR code when the
// link changed; the QR code shows in LAN mode only, since a phone cannot
// reach this computer's loopback address. It reports whether the layout
// changed.
func (r *watchRow) update(url string, lan bool) bool {
	shown := url
	switch {
	case url == "":
		shown = "off"
	case !lan:
		shown += " (this computer; choose the LAN for phones)"
	}
	widgets.SetText(r.url, shown)
	link := ""
	if url != "" && lan {
		link = r.w.s.WatchLink()
	}
	if link == r.link {
		return false
	}
	r.link = link
	if link == "" {
		r.qrCell.Hide()
		return true
	}
	if img := qrImage(link); img != nil {
		r.qr.Image = img
		r.qr.Refresh()
		r.qrCell.Show()
	}
	return true
}

// qrImage encodes s as a QR code image (nil if it cannot).
func qrImage(s string) image.Image {
	b, err := qrcode.Encode(s, qrcode.Medium, 256)
	if err != nil {
		return nil
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return img
}
