package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// editor is the destination dialog. The stream key lives only in its
// password entry, masked until the user reveals it.
type editor struct {
	w       *Window
	id      string
	name    *widget.Entry
	service *widget.Select
	server  *widget.Entry
	key     *widget.Entry
	reveal  *widget.Button // shows (eye) or hides (crossed eye) the key
	keyErr  *widget.Label  // what is wrong with the key, as it is typed
	paste   *widget.Button
	enabled *widget.Check
	help    *widget.Label
	errs    *widgets.ErrorList
	save    *widget.Button
	content *fyne.Container
	dlg     *dialog.CustomDialog
}

// editDestination opens the editor on a saved destination.
func (w *Window) editDestination(id string) {
	for _, d := range w.s.Destinations() {
		if d.ID == id {
			w.openEditor(d)
			return
		}
	}
	w.log.Warn("destination to edit is gone", "id", id)
}

// openEditor shows the editor for d (an empty ID adds a new destination).
func (w *Window) openEditor(d dest.Destination) {
	e := &editor{w: w, id: d.ID, errs: widgets.NewErrorList()}
	e.name = widget.NewEntry()
	e.name.SetPlaceHolder("e.g. My YouTube")
	e.name.SetText(d.Name)
	e.server = widget.NewEntry()
	e.server.SetPlaceHolder("rtmp://host/app")
	e.server.SetText(d.Server)
	e.key = widget.NewPasswordEntry()
	e.reveal = widget.NewButtonWithIcon("", theme.VisibilityIcon(), e.toggleReveal)
	e.reveal.Importance = widget.LowImportance
	e.key.ActionItem = e.reveal // instead of Fyne's, whose crossed eye means "hidden"
	e.key.SetPlaceHolder("stream key")
	e.key.SetText(d.Key)
	e.keyErr = widgets.WrapLabel("", widget.DangerImportance)
	e.keyErr.Hide()
	e.key.OnChanged = func(string) { e.checkKey() }
	e.paste = widget.NewButtonWithIcon("Paste", theme.ContentPasteIcon(), func() {
		e.key.SetText(strings.TrimSpace(w.app.Clipboard().Content()))
	})
	e.enabled = widget.NewCheck("Use for Go Live", nil)
	e.enabled.SetChecked(d.Enabled)
	e.help = widgets.WrapLabel("", widget.LowImportance)

	names := make([]string, len(w.services))
	for i, s := range w.services {
		names[i] = s.Name
	}
	e.service = widget.NewSelect(names, nil)
	if d.ID == "" && d.Service == "" && len(w.services) > 0 {
		d.Service = w.services[0].ID
		if d.Server == "" {
			e.server.SetText(w.services[0].Server)
		}
	}
	if svc, ok := w.service(d.Service); ok {
		e.service.SetSelected(svc.Name)
		e.help.SetText(svc.KeyHelp)
	}
	e.service.OnChanged = e.serviceChosen

	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("Name"), e.name,
		widget.NewLabel("Service"), e.service,
		widget.NewLabel("Server URL"), e.server,
		widget.NewLabel("Stream key"), container.NewVBox(container.NewBorder(nil, nil, nil, e.paste, e.key), e.keyErr),
		layout.NewSpacer(), e.help,
		layout.NewSpacer(), e.enabled,
	)
	e.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), e.saveTapped)
	e.save.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { e.dlg.Hide() })
	buttons := container.NewHBox(layout.NewSpacer(), cancel, e.save)
	title := "Add destination"
	if d.ID != "" {
		title = "Edit destination"
	}
	e.content = container.NewVBox(form, e.errs.Object(), buttons)
	e.dlg = dialog.NewCustomWithoutButtons(title, e.content, w.win)
	e.dlg.SetOnClosed(func() {
		if w.editor == e {
			w.editor = nil
		}
	})
	w.editor = e
	e.dlg.Resize(fyne.NewSize(560, 0))
	e.dlg.Show()
}

// serviceChosen fills the server with the preset's default ingest. A
// service without one (Custom, Kick) empties the field when it holds
// another preset's ingest, and keeps a URL the user typed.
func (e *editor) serviceChosen(name string) {
	for _, s := range e.w.services {
		if s.Name != name {
			continue
		}
		switch {
		case s.Server != "":
			e.server.SetText(s.Server)
		case e.isPresetServer(strings.TrimSpace(e.server.Text)):
			e.server.SetText("")
		}
		e.help.SetText(s.KeyHelp)
	}
}

// isPresetServer reports whether u is a preset's default ingest.
func (e *editor) isPresetServer(u string) bool {
	for _, s := range e.w.services {
		if s.Server != "" && s.Server == u {
			return true
		}
	}
	return false
}

// toggleReveal shows or hides the key. The button shows what a tap does:
// an eye while the key is hidden, a crossed eye while it shows.
func (e *editor) toggleReveal() {
	e.key.Password = !e.key.Password
	if e.key.Password {
		e.reveal.SetIcon(theme.VisibilityIcon())
	} else {
		e.reveal.SetIcon(theme.VisibilityOffIcon())
	}
	e.key.Refresh()
}

// checkKey says at once when the key cannot be one (a space inside…);
// it reports whether the key is usable.
func (e *editor) checkKey() bool {
	msg := ""
	if err := dest.CheckStreamKey(e.key.Text); err != nil {
		msg = widgets.Sentences(err)[0] + "."
	}
	if msg != e.keyErr.Text {
		e.keyErr.SetText(msg)
	}
	if widgets.SetVisible(e.keyErr, msg != "") && e.dlg != nil {
		widgets.Relayout(e.content, nil)
		e.dlg.Resize(fyne.NewSize(560, 0))
	}
	return msg == ""
}

// saveTapped saves through the studio; a validation error stays inline.
func (e *editor) saveTapped() {
	d := dest.Destination{
		ID:      e.id,
		Name:    strings.TrimSpace(e.name.Text),
		Server:  strings.TrimSpace(e.server.Text),
		Key:     strings.TrimSpace(e.key.Text),
		Enabled: e.enabled.Checked,
	}
	for _, s := range e.w.services {
		if s.Name == e.service.Selected {
			d.Service = s.ID
		}
	}
	if !e.checkKey() {
		return
	}
	if err := e.w.s.SaveDestination(d); err != nil {
		if e.errs.Set(widgets.Sentences(err)) {
			widgets.Relayout(e.content, nil)
			e.dlg.Resize(fyne.NewSize(560, 0)) // grows to the new minimum
		}
		return
	}
	e.errs.Set(nil)
	e.dlg.Hide()
	if d.Key != "" {
		e.w.keySaved()
	}
}
