//go:build windows

package cpu

import (
	"time"

	"golang.org/x/sys/windows"
)

// processCPU returns the user+kernel CPU time this process has used.
func processCPU() (time.Duration, bool) {
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user); err != nil {
		return 0, false
	}
	// FILETIMEs count 100 ns.
	ticks := uint64(kernel.HighDateTime)<<32 | uint64(kernel.LowDateTime) +
		(uint64(user.HighDateTime)<<32 | uint64(user.LowDateTime))
	return time.Duration(ticks) * 100, true
}
