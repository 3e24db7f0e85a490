package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// errorList shows problems inline, one red line per sentence.
type errorList struct {
	box   *fyne.Container
	lines []string
}

func newErrorList() *errorList {
	e := &errorList{box: container.NewVBox()}
	e.box.Hide()
	return e
}

// set replaces the lines (nil clears and hides the list) and reports
// whether anything changed.
func (e *errorList) set(lines []string) bool {
	if slices.Equal(e.lines, lines) {
		return false
	}
	e.lines = slices.Clone(lines)
	objs := make([]fyne.CanvasObject, len(lines))
	for i, l := range lines {
		objs[i] = wrapLabel(l, widget.DangerImportance)
	}
	e.box.Objects = objs
	e.box.Refresh()
	setVisible(e.box, len(lines) > 0)
	return true
}

// texts returns the lines shown.
func (e *errorList) texts() []string { return slices.Clone(e.lines) }
