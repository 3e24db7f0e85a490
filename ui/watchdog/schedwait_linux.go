package watchdog

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// schedstat keeps the last thread's /proc/thread-self/schedstat open: the
// watchdog reads it twice per UI callback, nearly always on the UI thread,
// and opening it each time was about 2 % of the idle window's CPU.
var schedstat struct {
	mu  sync.Mutex
	tid int
	f   *os.File
	buf [128]byte
}

// runqueueWait is how long the calling OS thread has spent runnable but
// waiting for a CPU, from Linux's /proc/thread-self/schedstat (its second
// field, in nanoseconds). It is 0 where that file does not exist. The
// caller must have locked its OS thread.
func runqueueWait() time.Duration {
	schedstat.mu.Lock()
	defer schedstat.mu.Unlock()
	if tid := syscall.Gettid(); schedstat.f == nil || schedstat.tid != tid {
		if schedstat.f != nil {
			schedstat.f.Close()
		}
		f, err := os.Open("/proc/thread-self/schedstat")
		if err != nil {
			schedstat.f = nil
			return 0
		}
		schedstat.f, schedstat.tid = f, tid
	}
	n, err := schedstat.f.ReadAt(schedstat.buf[:], 0)
	if n == 0 && err != nil {
		return 0
	}
	fields := bytes.Fields(schedstat.buf[:n])
	if len(fields) < 2 {
		return 0
	}
	ns, err := strconv.ParseInt(string(fields[1]), 10, 64)
	if err != nil {
		return 0
	}
	return time.Duration(ns)
}
