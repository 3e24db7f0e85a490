package main

import (
	"os"
	"runtime/debug"
)

// setGCPercent sets the Go collector's target to p unless $GOGC says
// otherwise: the commands that know the shape of their heap (serve,
// bench play) choose their own.
func setGCPercent(p int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(p)
	}
}
