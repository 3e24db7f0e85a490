package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/seed7c1a73c4/onair/app/store"
	"github.com/seed7c1a73c4/onair/ui/widgets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
)

// The two listening modes of the local server.
const (
	modeLocal = "This computer only"
	modeLAN   = "Local network (LAN)"
)

// serverTab is the built-in RTMP server: on/off, mode, address, publish
// URL and keys, then the incoming streams.
type serverTab struct {
	w        *Window
	on       *widget.Check
	mode     *widget.RadioGroup
	addr     *widget.Label
	publish  *widget.Label
	port     *widget.Entry
	portErr  *widget.Label
	shownPrt int // the port last shown in the entry
	usePort  *widget.Button
	freePort int
	watch    *watchRow
	problem  *widget.Label
	keysBox  *fyne.Container
	keys     []app.ServerKey
	tiles    *tileGrid
	applying bool
	inner    *fyne.Container
	scroll   *container.Scroll
	obj      fyne.CanvasObject
}

func newServerTab(w *Window) *serverTab {
	t := &serverTab{w: w}
	t.on = widget.NewCheck("Local server on", func(bool) { t.changed() })
	t.mode = widget.NewRadioGroup([]string{modeLocal, modeLAN}, func(string) { t.changed() })
	t.mode.Horizontal = true
	t.mode.Required = true
	t.addr = widgets.TruncLabel("", widget.MediumImportance)
	t.publish = widgets.TruncLabel("", widget.MediumImportance)
	copyURL := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), t.copyPublishURL)
	t.problem = widgets.WrapLabel("", widget.DangerImportance)
	t.problem.Hide()
	t.port = widget.NewEntry()
	t.port.OnSubmitted = func(string) { t.portTapped() }
	t.portErr = widgets.WrapLabel("", widget.DangerImportance)
	t.portErr.Hide()
	change := widget.NewButton("Change port", t.portTapped)
	t.usePort = widget.NewButtonWithIcon("", theme.ConfirmIcon(), func() { w.s.SetLocalServerPort(t.freePort) })
	t.usePort.Importance = widget.HighImportance
	t.usePort.Hide()
	t.keysBox = container.NewVBox()
	gen := widget.NewButtonWithIcon("Generate key", theme.ContentAddIcon(), func() {
		w.s.GenerateServerKey()
		w.keySaved()
	})
	t.tiles = newTileGrid(w)
	t.watch = newWatchRow(w)
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	info := container.New(layout.NewFormLayout(),
		widget.NewLabel("Port"), container.NewBorder(nil, nil, nil, change, t.port),
		widget.NewLabel("Address"), t.addr,
		widget.NewLabel("Publish URL"), container.NewBorder(nil, nil, nil, copyURL, t.publish),
		widget.NewLabel("Watch in a browser"), t.watch.obj,
	)
	t.inner = container.NewVBox(
		container.NewHBox(t.on, t.mode),
		info,
		t.portErr,
		t.watch.qrCell,
		t.problem,
		container.NewHBox(t.usePort),
		container.NewBorder(nil, nil, bold("Publish keys"), gen),
		t.keysBox,
		widget.NewSeparator(),
		bold("Incoming streams"),
		t.tiles.obj,
	)
	t.scroll = container.NewVScroll(t.inner)
	t.obj = t.scroll
	return t
}

// changed tells the studio what the check and the radio now say.
func (t *serverTab) changed() {
	if !t.applying {
		t.w.s.SetLocalServer(t.on.Checked, t.mode.Selected == modeLAN)
	}
}

func (t *serverTab) update(snap app.StudioSnapshot) {
	srv := snap.Server
	t.applying = true
	t.on.SetChecked(srv.On)
	mode := modeLocal
	if srv.LAN {
		mode = modeLAN
	}
	if t.mode.Selected != mode {
		t.mode.SetSelected(mode)
	}
	t.applying = false
	addr := "off"
	if srv.On && srv.Addr != "" {
		addr = "rtmp://" + srv.Addr
		switch {
		case len(srv.Hosts) > 1:
			addr += " (also " + strings.Join(srv.Hosts[1:], ", ") + ")"
		case srv.LAN && len(srv.Hosts) == 0:
			addr += " (this computer has no network address yet: other devices cannot reach it)"
		}
	}
	widgets.SetText(t.addr, addr)
	widgets.SetText(t.publish, srv.PublishURL)
	if srv.Port != t.shownPrt && srv.Port != 0 {
		t.shownPrt = srv.Port
		t.port.SetText(strconv.Itoa(srv.Port))
	}
	problem := serverProblem(srv)
	if problem != t.problem.Text {
		t.problem.SetText(problem)
	}
	changed := widgets.SetVisible(t.problem, problem != "")
	t.freePort = 0
	if srv.PortInUse {
		t.freePort = srv.FreePort
	}
	if t.freePort != 0 {
		t.usePort.SetText("Use port " + strconv.Itoa(t.freePort))
	}
	changed = widgets.SetVisible(t.usePort, t.freePort != 0) || changed
	changed = t.watch.update(srv.WatchURL, srv.LAN) || changed
	if !slices.Equal(srv.Keys, t.keys) {
		changed = true
		t.keys = slices.Clone(srv.Keys)
		objs := make([]fyne.CanvasObject, len(srv.Keys))
		for i, k := range srv.Keys {
			objs[i] = newKeyRow(t, k)
		}
		if len(objs) == 0 {
			objs = append(objs, widget.NewLabelWithStyle("No publish keys: anyone who can reach the server may publish.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
		}
		t.keysBox.Objects = objs
	}
	if t.tiles.update(srv.Streams) || changed {
		widgets.Relayout(t.inner, t.scroll)
	}
}

// portTapped moves the server to the port typed, or says why it cannot.
func (t *serverTab) portTapped() {
	p, err := strconv.Atoi(strings.TrimSpace(t.port.Text))
	msg := ""
	if err != nil || p < 1 || p > 65535 {
		msg = fmt.Sprintf("%q is not a port: use a number from 1024 to 65535, e.g. 1936.", t.port.Text)
	} else {
		t.w.s.SetLocalServerPort(p)
	}
	widgets.SetText(t.portErr, msg)
	if widgets.SetVisible(t.portErr, msg != "") {
		widgets.Relayout(t.inner, t.scroll)
	}
}

// fullPublishURL is the publish URL with the first key in full, for the
// clipboard only.
func (t *serverTab) fullPublishURL() string {
	u := t.w.prev.Server.PublishURL
	if len(t.keys) == 0 {
		return u
	}
	return withKey(u, t.keys[0], t.w.s.RevealServerKey(t.keys[0].ID))
}

// withKey replaces the masked key in u (Mask or the key's own masked
// form) with the key itself.
func withKey(u string, k app.ServerKey, full string) string {
	if strings.Contains(u, store.Mask) {
		return strings.Replace(u, store.Mask, full, 1)
	}
	if k.Masked != "" && strings.Contains(u, k.Masked) {
		return strings.Replace(u, k.Masked, full, 1)
	}
	return u
}

func (t *serverTab) copyPublishURL() {
	t.w.app.Clipboard().SetContent(t.fullPublishURL())
}

// newKeyRow is one publish key: masked, a reveal toggle, Copy URL and Revoke.
func newKeyRow(t *serverTab, k app.ServerKey) fyne.CanvasObject {
	label := widget.NewLabelWithStyle(k.Masked, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	label.Truncation = fyne.TextTruncateEllipsis
	var reveal *widget.Button
	shown := false
	reveal = widget.NewButtonWithIcon("", theme.VisibilityIcon(), func() {
		shown = !shown
		if shown {
			label.SetText(t.w.s.RevealServerKey(k.ID))
			reveal.SetIcon(theme.VisibilityOffIcon())
		} else {
			label.SetText(k.Masked)
			reveal.SetIcon(theme.VisibilityIcon())
		}
	})
	copyURL := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		t.w.app.Clipboard().SetContent(withKey(t.w.prev.Server.PublishURL, k, t.w.s.RevealServerKey(k.ID)))
	})
	revoke := widget.NewButtonWithIcon("Revoke", theme.DeleteIcon(), func() {
		dialog.ShowConfirm("Revoke key", "Sources using this key will be refused from now on.", func(ok bool) {
			if ok {
				t.w.s.RevokeServerKey(k.ID)
			}
		}, t.w.win)
	})
	return container.NewBorder(nil, nil, nil, container.NewHBox(reveal, copyURL, revoke), label)
}
