package widgets

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// SetText changes a label only when its text differs, so an unchanged
// snapshot causes no refresh.
func SetText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// SetImportance restyles a label only when needed.
func SetImportance(l *widget.Label, i widget.Importance) {
	if l.Importance != i {
		l.Importance = i
		l.Refresh()
	}
}

// SetVisible shows or hides o only when its visibility changes, and
// reports whether it did.
func SetVisible(o fyne.CanvasObject, v bool) bool {
	if o.Visible() == v {
		return false
	}
	if v {
		o.Show()
	} else {
		o.Hide()
	}
	return true
}

// Relayout lays a panel out again after children were shown, hidden or
// replaced: Container.Refresh re-runs the layouts of all nested containers,
// then the scroll picks up the new content size. (The GL driver notices most
// min-size changes on its own; the test canvas does not.)
func Relayout(inner *fyne.Container, scroll *container.Scroll) {
	inner.Refresh()
	if scroll != nil {
		scroll.Refresh()
	}
}

// SetEnabled enables or disables w only when needed.
func SetEnabled(w fyne.Disableable, on bool) {
	if w.Disabled() == !on {
		return
	}
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// HumanBitrate writes bits per second for people: "4.50 Mb/s", "850 kb/s".
func HumanBitrate(bps float64) string {
	switch {
	case bps >= 1e6:
		return fmt.Sprintf("%.2f Mb/s", bps/1e6)
	case bps >= 1e3:
		return fmt.Sprintf("%.0f kb/s", bps/1e3)
	default:
		return fmt.Sprintf("%.0f b/s", bps)
	}
}

// HMS writes a duration as hh:mm:ss (negative durations as 00:00:00).
func HMS(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// Sentences splits an error (errors.Join puts one per line) into lines.
func Sentences(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			r, n := utf8.DecodeRuneInString(l)
			out = append(out, string(unicode.ToUpper(r))+l[n:])
		}
	}
	return out
}

// WrapLabel returns a label that wraps at word boundaries.
func WrapLabel(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

// TruncLabel returns a label that cuts long text with an ellipsis, so it
// never widens its column.
func TruncLabel(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	l.Importance = imp
	return l
}
