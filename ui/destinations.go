package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// firstDestinationHint is shown while there is no destination at all (a
// first run): how to add one, and what Go Live does until then.
const firstDestinationHint = addDestinationHint + " Until then, Go Live sends the program to the local server as live/program."

// noDestinationHint is shown when there are destinations but none is
// enabled: Go Live would only feed the local server.
const noDestinationHint = "No destination is enabled: Go Live sends the program to the local server as live/program."

// The first-run hint's first sentence, and what replaces the rest of both
// hints while the local server is down: Go Live has nowhere to send then.
const (
	addDestinationHint = "To go live on YouTube, Twitch, Facebook or any RTMP server, press Add destination, " +
		"pick the service and paste the stream key from its dashboard."
	serverDownHint = "Go Live has nowhere to send the program until a destination is enabled: the local server could not start"
)

// destinationsHint is the hint for snap, and its style: how to add a
// destination on a first run, and what Go Live does without one, which is
// nothing while the local server is down (then the hint says why).
func destinationsHint(snap app.StudioSnapshot) (string, widget.Importance) {
	first := len(snap.Destinations) == 0
	if nowhereToGo(snap) {
		down := serverDownHint
		if snap.Server.PortInUse {
			down += fmt.Sprintf(" (port %d is in use by another program: change it on the Local server tab)", snap.Server.Port)
		}
		if first {
			return addDestinationHint + " " + down + ".", widget.WarningImportance
		}
		return "No destination is enabled. " + down + ".", widget.WarningImportance
	}
	if first {
		return firstDestinationHint, widget.MediumImportance
	}
	return noDestinationHint, widget.LowImportance
}

// destinationsTab lists the destinations with their live state, the
// pre-flight warnings, and Add / Edit / Remove.
type destinationsTab struct {
	w          *Window
	warnings   *fyne.Container
	warnList   []dest.Warning
	hint       *widget.Label
	programRow *fyne.Container
	programURL *widget.Label
	list       *fyne.Container
	rows       map[string]*destRow
	order      []string
	inner      *fyne.Container
	scroll     *container.Scroll
	obj        fyne.CanvasObject
}

func newDestinationsTab(w *Window) *destinationsTab {
	d := &destinationsTab{w: w, rows: map[string]*destRow{}}
	d.warnings = container.NewVBox()
	d.warnings.Hide()
	d.hint = widgets.WrapLabel(noDestinationHint, widget.LowImportance)
	d.hint.Hide()
	d.programURL = widgets.TruncLabel("", widget.MediumImportance)
	copyURL := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		w.app.Clipboard().SetContent(d.programURL.Text)
	})
	d.programRow = container.NewBorder(nil, nil, widget.NewLabel("Program"), copyURL, d.programURL)
	d.programRow.Hide()
	d.list = container.NewVBox()
	add := widget.NewButtonWithIcon("Add destination", theme.ContentAddIcon(), func() { w.openEditor(dest.Destination{Enabled: true}) })
	header := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Destinations", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), add)
	d.inner = container.NewVBox(d.warnings, header, d.hint, d.programRow, d.list)
	d.scroll = container.NewVScroll(d.inner)
	d.obj = d.scroll
	return d
}

func (d *destinationsTab) update(snap app.StudioSnapshot) {
	changed := d.updateWarnings(snap.Warnings)
	enabled := slices.ContainsFunc(snap.Destinations, func(s dest.Status) bool { return s.Enabled })
	hint, importance := destinationsHint(snap)
	widgets.SetImportance(d.hint, importance)
	if d.hint.Text != hint { // a wrapped label's height may change
		d.hint.SetText(hint)
		changed = true
	}
	changed = widgets.SetVisible(d.hint, !enabled) || changed
	widgets.SetText(d.programURL, snap.ProgramPlayURL)
	changed = widgets.SetVisible(d.programRow, snap.Live && snap.ProgramPlayURL != "") || changed

	ids := make([]string, len(snap.Destinations))
	for i, s := range snap.Destinations {
		ids[i] = s.ID
	}
	if !slices.Equal(ids, d.order) {
		d.rebuild(ids)
		changed = true
	}
	now := d.w.now()
	for _, s := range snap.Destinations {
		changed = d.rows[s.ID].update(s, now, d.w.serviceName(s.Service)) || changed
	}
	if changed {
		widgets.Relayout(d.inner, d.scroll)
	}
}

// rebuild makes the row list match ids, keeping the rows that stay.
func (d *destinationsTab) rebuild(ids []string) {
	rows := make(map[string]*destRow, len(ids))
	objs := make([]fyne.CanvasObject, 0, len(ids))
	for _, id := range ids {
		r := d.rows[id]
		if r == nil {
			r = newDestRow(d.w, id)
		}
		rows[id] = r
		objs = append(objs, r.obj)
	}
	d.rows, d.order = rows, ids
	d.list.Objects = objs
}

func (d *destinationsTab) updateWarnings(ws []dest.Warning) bool {
	if slices.Equal(ws, d.warnList) {
		return false
	}
	d.warnList = slices.Clone(ws)
	objs := make([]fyne.CanvasObject, len(ws))
	for i, wn := range ws {
		text := wn.Message
		if wn.Destination != "" {
			text = wn.Destination + ": " + text
		}
		objs[i] = container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, widgets.WrapLabel(text, widget.WarningImportance))
	}
	d.warnings.Objects = objs
	widgets.SetVisible(d.warnings, len(ws) > 0)
	return true
}

// confirmRemove asks before deleting a destination and its key.
func (d *destinationsTab) confirmRemove(id, name string) {
	dialog.ShowConfirm("Remove destination", "Remove \""+name+"\" and its stored key?", func(ok bool) {
		if ok {
			d.w.s.RemoveDestination(id)
		}
	}, d.w.win)
}
