//go:build !unix

package app

import "time"

// processCPU is not measured on this platform yet.
func processCPU() (time.Duration, bool) { return 0, false }
