//go:build !linux

package rtmp

import (
	"syscall"
	"time"
)

// userTimeoutControl returns nil where TCP_USER_TIMEOUT is not available:
// the write deadline and the acknowledgement watchdog still apply.
func userTimeoutControl(time.Duration) func(network, address string, c syscall.RawConn) error {
	return nil
}
