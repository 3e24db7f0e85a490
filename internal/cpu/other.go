//go:build !unix && !windows

package cpu

import "time"

// processCPU is not measured on this platform yet.
func processCPU() (time.Duration, bool) { return 0, false }
