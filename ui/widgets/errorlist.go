package widgets

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// ErrorList shows problems inline, one red line per sentence.
type ErrorList struct {
	box   *fyne.Container
	lines []string
}

// NewErrorList returns an empty, hidden list.
func NewErrorList() *ErrorList {
	e := &ErrorList{box: container.NewVBox()}
	e.box.Hide()
	return e
}

// Object is the list's canvas object, to place in a layout.
func (e *ErrorList) Object() fyne.CanvasObject { return e.box }

// Set replaces the lines (nil clears and hides the list) and reports
// whether anything changed.
func (e *ErrorList) Set(lines []string) bool {
	if slices.Equal(e.lines, lines) {
		return false
	}
	e.lines = slices.Clone(lines)
	objs := make([]fyne.CanvasObject, len(lines))
	for i, l := range lines {
		objs[i] = WrapLabel(l, widget.DangerImportance)
	}
	e.box.Objects = objs
	e.box.Refresh()
	SetVisible(e.box, len(lines) > 0)
	return true
}

// Texts returns the lines shown.
func (e *ErrorList) Texts() []string { return slices.Clone(e.lines) }
