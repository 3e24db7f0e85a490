//go:build !unix

package main

import (
	"log/slog"

	"github.com/seed7c1a73c4/onair/app"
)

// reconnectOnSignal does nothing where there is no SIGUSR1 (Windows).
func reconnectOnSignal(*app.Broadcast, *slog.Logger) (stop func()) { return func() {} }
