package watchdog

import (
	"runtime"
	"time"
)

// ownTime runs f on the calling OS thread and returns how long it took
// less the time the kernel kept that thread waiting for a CPU: the time f
// ran or blocked. On a loaded machine, the wall time of a short callback
// is mostly the scheduler's; this is the callback's own.
func ownTime(f func()) time.Duration {
	runtime.LockOSThread() // both reads must be of the same thread (nests on the locked UI thread)
	defer runtime.UnlockOSThread()
	t0, w0 := time.Now(), runqueueWait()
	f()
	d, waited := time.Since(t0), runqueueWait()-w0
	if waited > 0 && waited <= d {
		d -= waited
	}
	return d
}
