package ui

import (
	"fyne.io/fyne/v2/dialog"
)

// AskKeyFileConsent asks, once the window is up, whether stream keys may
// be kept in a file readable only by the user, because this computer has
// no working keyring. answer runs on the UI goroutine with the choice.
func (w *Window) AskKeyFileConsent(path string, answer func(yes bool)) {
	w.do(func() {
		dialog.ShowConfirm("No system keyring",
			"This computer has no working keyring (Secret Service).\n"+
				"Keep stream keys in a file that only you can read?\n"+path+"\n\n"+
				"If you say no, keys are kept only until the studio closes.",
			answer, w.win)
	})
}
