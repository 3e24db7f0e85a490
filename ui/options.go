package ui

import (
	"log/slog"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
)

// Options configure the studio window. The zero value is usable.
type Options struct {
	// MinSize is the smallest size of the window content and its first
	// size; the default is 960x600.
	MinSize fyne.Size
	// Automation, when set to a loopback "127.0.0.1:PORT", serves the
	// end-to-end test hook described in automation.go. Other hosts are
	// refused (logged, not served).
	Automation string
	// OnShown is called on the UI goroutine once the window is shown.
	OnShown func()
	// KeyFileConsent, when set, is asked the first time the user saves a
	// stream key, because there is no keyring to keep it in.
	KeyFileConsent *KeyFileConsent
	// OnFirstPreview is called on the UI goroutine once the first program
	// frame has been copied into the preview and handed to the renderer.
	OnFirstPreview func()
	// Start is when the process started; /ready reports the shown and
	// first-preview durations since then. Zero leaves them out.
	Start time.Time
	// Clock returns the current time for the LIVE timer, the reconnect
	// countdowns and the CLIP hold; the default is time.Now.
	Clock func() time.Time
	// Log receives the window's messages; the default discards them.
	Log *slog.Logger
	// OpenFolder shows a folder in the system's file manager (Open folder
	// after a recording); the default asks the desktop to open its
	// file:// URL.
	OpenFolder func(dir string) error
	// About is what the About button shows (version, FFmpeg, licence,
	// source).
	About About
}

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	if o.MinSize.Width <= 0 || o.MinSize.Height <= 0 {
		o.MinSize = fyne.NewSize(960, 600)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.OpenFolder == nil {
		o.OpenFolder = func(dir string) error {
			return fyne.CurrentApp().OpenURL(&url.URL{Scheme: "file", Path: dir})
		}
	}
	return o
}
