package server

import (
	"net"
	"syscall"
	"unsafe"
)

// socketWriter writes to a plain TCP connection's socket without waiting:
// the fan-out's fast path (player.direct).
type socketWriter struct{ rc syscall.RawConn }

// newSocketWriter returns a socketWriter for conn, or nil when conn is not
// a plain TCP connection (TLS, the RTMPT tunnel, a test's pipe).
func newSocketWriter(conn net.Conn) *socketWriter {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return &socketWriter{rc: rc}
}

// tryWrite writes as much of b as the socket takes now and returns how
// much that was: 0 when the socket is full, closed or failing (the
// player's own goroutine then writes b and meets the error, if any).
//
// The write is a raw system call: the socket is non-blocking, so the call
// never waits, and the Go scheduler need not hand this goroutine's
// processor to another thread for it. (With a call per packet and player,
// the runtime's bookkeeping for ordinary system calls cost a tenth of the
// fan-out's CPU: sysmon waking every 20 µs to take processors back.)
func (w *socketWriter) tryWrite(b []byte) int {
	n := 0
	err := w.rc.Write(func(fd uintptr) bool {
		for n < len(b) {
			m, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&b[n])), uintptr(len(b)-n))
			if errno == syscall.EINTR {
				continue
			}
			if errno != 0 || m == 0 {
				break
			}
			n += int(m)
		}
		return true // never wait for room: what is left goes to the player's queue
	})
	if err != nil {
		return 0
	}
	return n
}
