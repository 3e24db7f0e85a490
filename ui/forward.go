package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// sendTapped opens the destination chooser, or stops sending when the
// stream is already restreamed.
func (t *tile) sendTapped() {
	if t.forwards {
		t.w.s.StopForward(t.name)
		return
	}
	t.chooseDestinations()
}

// chooseDestinations asks which saved destinations get this stream as it
// arrives (re-encoded only for a platform that does not take its codec),
// then starts the restream.
func (t *tile) chooseDestinations() {
	dests := t.w.s.Destinations()
	if len(dests) == 0 {
		dialog.ShowInformation("No destinations", "Add a destination first (Destinations tab), then send this feed to it.", t.w.win)
		return
	}
	checks := make([]*widget.Check, len(dests))
	objs := []fyne.CanvasObject{widget.NewLabel("Send " + t.label + " as it arrives to:")}
	for i, d := range dests {
		checks[i] = widget.NewCheck(d.Name+" · "+t.w.serviceName(d.Service), nil)
		objs = append(objs, checks[i])
	}
	hint := widget.NewLabel("An HEVC or AV1 camera is re-encoded to H.264\nfor the platforms that take only H.264 (all but YouTube).")
	hint.Importance = widget.LowImportance
	objs = append(objs, hint)
	dialog.ShowCustomConfirm("Send to destinations", "Send", "Cancel", container.NewVBox(objs...), func(ok bool) {
		if !ok {
			return
		}
		var ids []string
		for i, c := range checks {
			if c.Checked {
				ids = append(ids, dests[i].ID)
			}
		}
		t.w.s.ForwardIncoming(t.name, ids)
	}, t.w.win)
}

// updateForwarding shows where the stream is restreamed, and what the
// restream re-encodes (note); UI goroutine.
func (t *tile) updateForwarding(fs []dest.Status, note string) {
	on := len(fs) > 0
	if on != t.forwards {
		t.forwards = on
		if on {
			t.send.SetText("Stop sending")
			t.send.SetIcon(theme.MediaStopIcon())
		} else {
			t.send.SetText("Send to destinations…")
			t.send.SetIcon(theme.UploadIcon())
		}
	}
	if on {
		parts := make([]string, len(fs))
		for i, d := range fs {
			line, _ := stateLine(d, t.w.now())
			parts[i] = "→ " + d.Name + " " + line
		}
		if note != "" {
			parts = append(parts, note)
		}
		widgets.SetText(t.sending, strings.Join(parts, " · "))
	}
	widgets.SetVisible(t.sending, on)
}
