package rtmp

import (
	"fmt"
	"syscall"
	"time"
)

// tcpUserTimeout and tcpNotSentLowat are TCP_USER_TIMEOUT and
// TCP_NOTSENT_LOWAT from linux/tcp.h; package syscall names neither.
const (
	tcpUserTimeout  = 0x12
	tcpNotSentLowat = 0x19
)

// notSentLowat bounds the data the kernel holds for the publisher that it
// has not sent yet; what is in flight still grows with the congestion
// window. Without it, autotuning lets the send buffer absorb megabytes
// (seconds of video) on a link too slow for the stream: the backlog hides
// in the kernel, where it cannot be measured, warned about or dropped to
// the next keyframe. With it, the backlog waits in the destination's own
// queue.
const notSentLowat = 128 << 10

// socketControl returns a net.Dialer.Control that sets TCP_NOTSENT_LOWAT
// and, when userTimeout > 0, TCP_USER_TIMEOUT.
func socketControl(userTimeout time.Duration) func(network, address string, c syscall.RawConn) error {
	ut := userTimeoutControl(userTimeout)
	return func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpNotSentLowat, notSentLowat)
		})
		if err == nil {
			err = serr
		}
		if err != nil {
			return fmt.Errorf("setting TCP_NOTSENT_LOWAT: %w", err)
		}
		if userTimeout > 0 {
			return ut(network, address, c)
		}
		return nil
	}
}

// userTimeoutControl returns a net.Dialer.Control that sets
// TCP_USER_TIMEOUT: the kernel fails the connection when sent data stays
// unacknowledged by the peer's TCP stack for longer than d. Without it a
// dead path is retried for about 15 minutes (tcp_retries2) while the send
// buffer absorbs the stream, and TCP keepalive never probes a connection
// that has data in flight.
func userTimeoutControl(d time.Duration) func(network, address string, c syscall.RawConn) error {
	ms := int(d.Milliseconds())
	return func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpUserTimeout, ms)
		})
		if err == nil {
			err = serr
		}
		if err != nil {
			return fmt.Errorf("setting TCP_USER_TIMEOUT: %w", err)
		}
		return nil
	}
}
