package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
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
	paste   *widget.Button
	enabled *widget.Check
	help    *widget.Label
	errs    *errorList
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
func (w *Window) openEditor(d app.Destination) {
	e := &editor{w: w, id: d.ID, errs: newErrorList()}
	e.name = widget.NewEntry()
	e.name.SetPlaceHolder("e.g. My YouTube")
	e.name.SetText(d.Name)
	e.server = widget.NewEntry()
	e.server.SetPlaceHolder("rtmp://host/app")
	e.server.SetText(d.Server)
	e.key = widget.NewPasswordEntry()
	e.key.SetPlaceHolder("stream key")
	e.key.SetText(d.Key)
	e.paste = widget.NewButtonWithIcon("Paste", theme.ContentPasteIcon(), func() {
		e.key.SetText(strings.TrimSpace(w.app.Clipboard().Content()))
	})
	e.enabled = widget.NewCheck("Use for Go Live", nil)
	e.enabled.SetChecked(d.Enabled)
	e.help = wrapLabel("", widget.LowImportance)

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
		widget.NewLabel("Stream key"), container.NewBorder(nil, nil, nil, e.paste, e.key),
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
	e.content = container.NewVBox(form, e.errs.box, buttons)
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

// serviceChosen fills the server with the preset's default ingest.
func (e *editor) serviceChosen(name string) {
	for _, s := range e.w.services {
		if s.Name == name {
			if s.Server != "" {
				e.server.SetText(s.Server)
			}
			e.help.SetText(s.KeyHelp)
		}
	}
}

// saveTapped saves through the studio; a validation error stays inline.
func (e *editor) saveTapped() {
	d := app.Destination{
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
	if err := e.w.s.SaveDestination(d); err != nil {
		if e.errs.set(sentences(err)) {
			relayout(e.content, nil)
			e.dlg.Resize(fyne.NewSize(560, 0)) // grows to the new minimum
		}
		return
	}
	e.errs.set(nil)
	e.dlg.Hide()
	if d.Key != "" {
		e.w.keySaved()
	}
}
