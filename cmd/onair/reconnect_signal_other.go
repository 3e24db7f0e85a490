//go:build !unix

package main

import (
	"log/slog"

	"github.com/seed7c1a73c4/onair/app"
)

// reconnectOnSignal does nothing: Windows has no SIGUSR1 and no equivalent.
// Its only console signals, Ctrl+C and Ctrl+Break, both reach Go as
// os.Interrupt, which stops the broadcast. Destinations still reconnect by
// themselves (1 s, 2 s … 30 s); in the window, "Reconnect now" retries at once.
func reconnectOnSignal(*app.Broadcast, *slog.Logger) (stop func()) { return func() {} }
