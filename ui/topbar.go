package ui

import (
	"cmp"
	"image/color"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// tallyRed is the on-air light; it is red in both themes.
var tallyRed = color.NRGBA{R: 0xd3, G: 0x2f, B: 0x2f, A: 0xff}

// topBar holds the app name, the LIVE tally with its timer, the studio's
// last problem and the one Go Live / Stop button.
type topBar struct {
	w          *Window
	tally      *fyne.Container
	tallyText  *canvas.Text
	connecting *widget.Label
	problem    *widget.Label
	goLive     *widget.Button
	about      *widget.Button // the About dialog
	busy       bool           // live or connecting: the button stops
	record     *widget.Button
	recText    *widget.Label  // "● REC 00:01:23" while recording
	saved      *widget.Label  // "Saved NAME.mp4" after a recording
	openFolder *widget.Button // opens the folder of the saved file
	savedPath  string
	recording  bool
	obj        *fyne.Container
}

func newTopBar(w *Window) *topBar {
	t := &topBar{w: w}
	title := widget.NewLabelWithStyle("OnAir Studio", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	bg := canvas.NewRectangle(tallyRed)
	bg.CornerRadius = 4
	t.tallyText = canvas.NewText("● LIVE 00:00:00", color.White)
	t.tallyText.TextStyle = fyne.TextStyle{Bold: true}
	t.tally = container.NewStack(bg, container.NewPadded(t.tallyText))
	t.tally.Hide()
	t.connecting = widget.NewLabel("Connecting…")
	t.connecting.Importance = widget.WarningImportance
	t.connecting.Hide()
	t.problem = widgets.TruncLabel("", widget.DangerImportance)
	t.goLive = widget.NewButtonWithIcon("Go Live", theme.MediaPlayIcon(), t.tapped)
	t.goLive.Importance = widget.HighImportance
	t.record = widget.NewButtonWithIcon("Record", theme.MediaRecordIcon(), t.recordTapped)
	t.recText = widget.NewLabel("")
	t.recText.Importance = widget.DangerImportance
	t.recText.Hide()
	t.saved = widget.NewLabel("")
	t.saved.Hide()
	t.openFolder = widget.NewButtonWithIcon("Open folder", theme.FolderOpenIcon(), t.openFolderTapped)
	t.openFolder.Hide()
	t.about = widget.NewButtonWithIcon("", theme.InfoIcon(), w.showAbout)
	left := container.NewHBox(widget.NewIcon(theme.MediaVideoIcon()), title, t.about, container.NewCenter(t.tally), t.connecting)
	right := container.NewHBox(t.recText, t.saved, t.openFolder, t.record, t.goLive)
	t.obj = container.NewVBox(container.NewBorder(nil, nil, left, right, t.problem), widget.NewSeparator())
	return t
}

// tapped goes live, or stops when live or connecting. With nowhere to send
// the program it says why and offers the ways out, instead of doing nothing.
func (t *topBar) tapped() {
	switch {
	case t.busy:
		t.w.s.Stop()
	case nowhereToGo(t.w.prev):
		t.w.showNowhereToGo(t.w.prev)
	default:
		t.w.s.GoLive()
	}
}

// recordTapped starts or stops the program recording.
func (t *topBar) recordTapped() {
	if t.recording {
		t.w.s.StopRecording()
	} else {
		t.w.s.StartRecording()
	}
}

// updateRecording shows the recording state; it reports a layout change.
func (t *topBar) updateRecording(rs app.RecordingStatus) bool {
	changed := false
	if rs.On != t.recording {
		t.recording, changed = rs.On, true
		if rs.On {
			t.record.SetText("Stop recording")
			t.record.SetIcon(theme.MediaStopIcon())
		} else {
			t.record.SetText("Record")
			t.record.SetIcon(theme.MediaRecordIcon())
		}
	}
	if rs.On {
		widgets.SetText(t.recText, "● REC "+widgets.HMS(rs.Duration))
	}
	changed = widgets.SetVisible(t.recText, rs.On) || changed
	// After a recording: where its file went, and a way to its folder.
	done := !rs.On && rs.Path != ""
	if done {
		t.savedPath = rs.Path
		widgets.SetText(t.saved, "Saved "+filepath.Base(rs.Path))
	}
	changed = widgets.SetVisible(t.saved, done) || changed
	return widgets.SetVisible(t.openFolder, done) || changed
}

// openFolderTapped opens the folder of the last recording in the system's
// file manager.
func (t *topBar) openFolderTapped() {
	if t.savedPath == "" {
		return
	}
	dir := filepath.Dir(t.savedPath)
	if err := t.w.opts.OpenFolder(dir); err != nil {
		t.w.log.Warn("opening the recording folder", "dir", dir, "err", err)
		widgets.SetText(t.problem, "The folder "+dir+" could not be opened: "+err.Error())
	}
}

func (t *topBar) update(snap app.StudioSnapshot) {
	busy := snap.Live || snap.Connecting
	changed := busy != t.busy
	if changed {
		t.busy = busy
		if busy {
			t.goLive.SetText("Stop")
			t.goLive.SetIcon(theme.MediaStopIcon())
			t.goLive.Importance = widget.DangerImportance
		} else {
			t.goLive.SetText("Go Live")
			t.goLive.SetIcon(theme.MediaPlayIcon())
			t.goLive.Importance = widget.HighImportance
		}
		t.goLive.Refresh()
	}
	if snap.Live {
		if s := "● LIVE " + widgets.HMS(t.w.now().Sub(snap.LiveSince)); t.tallyText.Text != s {
			t.tallyText.Text = s
			t.tallyText.Refresh()
		}
	}
	changed = widgets.SetVisible(t.tally, snap.Live) || changed
	changed = widgets.SetVisible(t.connecting, snap.Connecting && !snap.Live) || changed
	changed = t.updateRecording(snap.Recording) || changed
	widgets.SetText(t.problem, cmp.Or(snap.Error, snap.Recording.Error))
	if changed {
		widgets.Relayout(t.obj, nil)
	}
}

// About is what the About dialog says: the name and version, what is linked
// in (FFmpeg and x264), the licence and where the source is, as
// `onair --version` prints them.
type About struct {
	Version string // "0.1.0"
	Linked  string // "FFmpeg 7.1.5 with x264 and x265"
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
