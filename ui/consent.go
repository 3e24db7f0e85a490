package ui

import (
	"fyne.io/fyne/v2/dialog"
)

// KeyFileConsent is the question to ask when this computer has no working
// keyring: may stream keys be kept in the file at Path, readable only by
// the user? Answer runs on the UI goroutine with the choice.
type KeyFileConsent struct {
	Path   string
	Answer func(yes bool)
}

// keySaved runs on the UI goroutine after the user saved a stream key
// (a destination's or a local publish key). The first time, it asks
// Options.KeyFileConsent, if set: a first run with nothing to keep asks
// nothing.
func (w *Window) keySaved() {
	c := w.opts.KeyFileConsent
	if c == nil || w.keyConsentAsked {
		return
	}
	w.keyConsentAsked = true
	w.askKeyFileConsent(c.Path, c.Answer)
}

// askKeyFileConsent asks whether stream keys may be kept in a file
// readable only by the user, because this computer has no working
// keyring. answer runs on the UI goroutine with the choice.
func (w *Window) askKeyFileConsent(path string, answer func(yes bool)) {
	w.do(func() {
		dialog.ShowConfirm("No system keyring",
			"This computer has no working keyring (Secret Service).\n"+
				"Keep stream keys in a file that only you can read?\n"+path+"\n\n"+
				"If you say no, keys are kept only until the studio closes.",
			answer, w.win)
	})
}
