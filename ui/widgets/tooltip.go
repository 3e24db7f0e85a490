package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// TipLabel is a label that explains itself: while the pointer is over it, a
// pop-up shows its tip (Fyne 2.7 has no tooltips of its own). An empty tip
// shows nothing.
type TipLabel struct {
	widget.Label
	tip   string
	popup *widget.PopUp // shown while hovered
}

var _ desktop.Hoverable = (*TipLabel)(nil)

// NewTipLabel returns an empty label, cut with an ellipsis, with no tip.
func NewTipLabel() *TipLabel {
	l := &TipLabel{}
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// SetTip changes the tip; an open pop-up follows.
func (l *TipLabel) SetTip(tip string) {
	if tip == l.tip {
		return
	}
	l.tip = tip
	if l.popup != nil {
		if tip == "" {
			l.MouseOut()
			return
		}
		l.popup.Content.(*widget.Label).SetText(tip)
	}
}

// ShownTip is the text of the tip while its pop-up is shown, else "".
func (l *TipLabel) ShownTip() string {
	if l.popup == nil || !l.popup.Visible() {
		return ""
	}
	return l.popup.Content.(*widget.Label).Text
}

// MouseIn shows the tip above the label (the stats bar is at the bottom of
// the window).
func (l *TipLabel) MouseIn(*desktop.MouseEvent) {
	c := fyne.CurrentApp().Driver().CanvasForObject(l)
	if l.tip == "" || c == nil || l.popup != nil {
		return
	}
	text := widget.NewLabel(l.tip)
	text.Wrapping = fyne.TextWrapWord
	l.popup = widget.NewPopUp(text, c)
	width := min(float32(420), c.Size().Width)
	l.popup.Resize(fyne.NewSize(width, text.MinSize().Height))
	size := fyne.NewSize(width, l.popup.MinSize().Height)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l)
	x := min(pos.X, c.Size().Width-size.Width)
	y := pos.Y - size.Height
	if y < 0 {
		y = pos.Y + l.Size().Height
	}
	l.popup.ShowAtPosition(fyne.NewPos(max(0, x), y))
	l.popup.Resize(size)
}

// MouseMoved implements desktop.Hoverable.
func (l *TipLabel) MouseMoved(*desktop.MouseEvent) {}

// MouseOut hides the tip.
func (l *TipLabel) MouseOut() {
	if l.popup != nil {
		l.popup.Hide()
		l.popup = nil
	}
}
