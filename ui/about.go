package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// About is what the About dialog says: the name and version, what is linked
// in (FFmpeg and x264), the licence and where the source is, as
// `onair --version` prints them.
type About struct {
	Version string // "0.1.0"
	Linked  string // "FFmpeg 7.1.5 with x264"
	License string // "GPL-2.0-or-later"
	Source  string // the source code's address
}

// lines is the dialog's text, one fact per line.
func (a About) lines() []string {
	out := []string{"OnAir Studio " + a.Version}
	if a.Linked != "" {
		out = append(out, a.Linked+", linked in.")
	}
	if a.License != "" {
		out = append(out, "Licence: "+a.License+" (LICENSE and THIRD_PARTY_NOTICES.md come with the studio).")
	}
	if a.Source != "" {
		out = append(out, "Source: "+a.Source)
	}
	return out
}

// showAbout opens the About dialog.
func (w *Window) showAbout() {
	text := strings.Join(w.opts.About.lines(), "\n")
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("About OnAir Studio", "Close", container.NewPadded(label), w.win)
	d.Resize(fyne.NewSize(520, 0))
	w.about = text
	d.Show()
}
