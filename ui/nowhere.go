package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// nowhereToGo reports whether Go Live has nowhere to send the program: no
// destination is enabled and the local server, which would take it as
// live/program, could not start.
func nowhereToGo(snap app.StudioSnapshot) bool {
	enabled := slices.ContainsFunc(snap.Destinations, func(d dest.Status) bool { return d.Enabled })
	return !enabled && !snap.Server.On && snap.Server.Error != ""
}

// serverProblem is why the local server is off, with the way out when
// another program holds its port.
func serverProblem(srv app.LocalServerStatus) string {
	if srv.Error == "" {
		return ""
	}
	text := widgets.Sentences(fmt.Errorf("%s", srv.Error))[0] + "."
	if srv.PortInUse {
		text += " Change the port above"
		if srv.FreePort != 0 {
			text += fmt.Sprintf(" (%d is free)", srv.FreePort)
		}
		text += ", or turn the local server off if you only send to destinations."
	}
	return text
}

// nowhereDialog is shown when Go Live is pressed with nowhere to send the
// program: it says why and offers the ways out.
type nowhereDialog struct {
	dlg     *dialog.CustomDialog
	msg     string
	usePort *widget.Button // nil when no free port was found
}

// showNowhereToGo opens the dialog for snap (UI goroutine).
func (w *Window) showNowhereToGo(snap app.StudioSnapshot) {
	srv := snap.Server
	msg := "No destination is enabled, and the local server, which would take the program as live/program, could not start: " +
		strings.TrimPrefix(srv.Error, "the local server could not start: ") + "."
	nd := &nowhereDialog{msg: msg}
	var buttons []fyne.CanvasObject
	if srv.PortInUse && srv.FreePort != 0 {
		port := srv.FreePort
		nd.usePort = widget.NewButtonWithIcon("Use port "+strconv.Itoa(port)+" and go live", theme.MediaPlayIcon(), func() {
			nd.dlg.Hide()
			w.s.SetLocalServerPort(port) // the studio runs these in order:
			w.s.GoLive()                 // Go Live finds the server up
		})
		nd.usePort.Importance = widget.HighImportance
	}
	add := widget.NewButtonWithIcon("Add destination", theme.ContentAddIcon(), func() {
		nd.dlg.Hide()
		w.openEditor(dest.Destination{Enabled: true})
	})
	settings := widget.NewButtonWithIcon("Local server settings", theme.ComputerIcon(), func() {
		nd.dlg.Hide()
		w.selectTab("server")
	})
	cancel := widget.NewButton("Cancel", func() { nd.dlg.Hide() })
	buttons = append(buttons, layout.NewSpacer(), cancel, settings, add)
	if nd.usePort != nil {
		buttons = append(buttons, nd.usePort)
	}
	content := container.NewVBox(widgets.WrapLabel(msg, widget.MediumImportance), container.NewHBox(buttons...))
	nd.dlg = dialog.NewCustomWithoutButtons("Go Live has nowhere to send the program", content, w.win)
	nd.dlg.SetOnClosed(func() {
		if w.nowhere == nd {
			w.nowhere = nil
		}
	})
	w.nowhere = nd
	nd.dlg.Resize(fyne.NewSize(640, 0))
	nd.dlg.Show()
}
