package ui

import (
	"fmt"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// destRow is one destination: enabled check, name and service, redacted
// URL, state line, Reconnect now, the last error, Edit and Remove.
type destRow struct {
	id        string
	enabled   *widget.Check
	name      *widget.Label
	url       *widget.Label
	state     *widget.Label
	reconnect *widget.Button
	lastErr   *widget.Label
	applying  bool
	obj       fyne.CanvasObject
}

func newDestRow(w *Window, id string) *destRow {
	r := &destRow{id: id}
	r.enabled = widget.NewCheck("", func(on bool) {
		if !r.applying {
			w.s.SetDestinationEnabled(id, on)
		}
	})
	r.name = widgets.TruncLabel("", widget.MediumImportance)
	r.name.TextStyle.Bold = true
	r.url = widgets.TruncLabel("", widget.LowImportance)
	r.state = widget.NewLabel("")
	r.reconnect = widget.NewButtonWithIcon("Reconnect now", theme.ViewRefreshIcon(), func() { w.s.ReconnectNow(id) })
	r.reconnect.Hide()
	r.lastErr = widgets.WrapLabel("", widget.DangerImportance)
	r.lastErr.Hide()
	edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { w.editDestination(id) })
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { w.dests.confirmRemove(id, r.name.Text) })
	body := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), r.name, r.url, container.NewHBox(r.state, r.reconnect), r.lastErr)
	r.obj = container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(r.enabled), container.NewVBox(container.NewHBox(edit, remove)), body), widget.NewSeparator())
	return r
}

// update shows s; it reports whether a part was shown or hidden.
func (r *destRow) update(s dest.Status, now time.Time, service string) bool {
	r.applying = true
	r.enabled.SetChecked(s.Enabled)
	r.applying = false
	name := s.Name
	if service != "" {
		name += " · " + service
	}
	widgets.SetText(r.name, name)
	widgets.SetText(r.url, s.URL)
	text, imp := stateLine(s, now)
	widgets.SetText(r.state, text)
	widgets.SetImportance(r.state, imp)
	changed := widgets.SetVisible(r.reconnect, s.State == dest.StateReconnecting)
	showErr := (s.State == dest.StateError || s.State == dest.StateReconnecting) && s.LastError != ""
	if showErr {
		widgets.SetText(r.lastErr, s.LastError)
	}
	return widgets.SetVisible(r.lastErr, showErr) || changed
}

// stateLine is the one-line state of a destination and its style.
func stateLine(s dest.Status, now time.Time) (string, widget.Importance) {
	switch s.State {
	case dest.StateConnecting:
		return "connecting…", widget.WarningImportance
	case dest.StateLive:
		t := "● live · " + widgets.HumanBitrate(s.Bitrate)
		if s.Dropped > 0 {
			t += fmt.Sprintf(" · %d dropped", s.Dropped)
		}
		return t, widget.SuccessImportance
	case dest.StateReconnecting:
		verb := "reconnecting" // it was live, then lost
		if !s.Reached {
			verb = "could not connect · retrying"
		}
		secs := int(math.Ceil(s.RetryAt.Sub(now).Seconds()))
		if secs <= 0 {
			return verb + "…", widget.WarningImportance
		}
		return fmt.Sprintf("%s in %d s", verb, secs), widget.WarningImportance
	case dest.StateError:
		return "error", widget.DangerImportance
	case dest.StateStopped:
		return "stopped", widget.LowImportance
	default:
		return "idle", widget.MediumImportance
	}
}
