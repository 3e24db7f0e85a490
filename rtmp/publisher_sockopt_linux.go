package rtmp

import (
	"fmt"
	"syscall"
	"time"
)

// tcpUserTimeout is TCP_USER_TIMEOUT from linux/tcp.h; package syscall
// does not name it.
const tcpUserTimeout = 0x12

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
