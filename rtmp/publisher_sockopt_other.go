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

// socketControl returns userTimeoutControl's: TCP_NOTSENT_LOWAT is Linux's.
func socketControl(userTimeout time.Duration) func(network, address string, c syscall.RawConn) error {
	return userTimeoutControl(userTimeout)
}
