package server

import (
	"net"
	"syscall"
	"unsafe"
)

// socketWriter writes to a plain TCP connection's socket without waiting:
// the fan-out's fast path (player.direct).
type socketWriter struct {
	rc  syscall.RawConn
	iov []syscall.Iovec // tryWritev's, kept between calls (under the connection's wmu)
}

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

// tryWritev is tryWrite for several buffers, in one raw writev.
func (w *socketWriter) tryWritev(bufs [][]byte) int {
	w.iov = w.iov[:0]
	total := 0
	for _, b := range bufs {
		if len(b) > 0 {
			v := syscall.Iovec{Base: &b[0]}
			v.SetLen(len(b))
			w.iov = append(w.iov, v)
			total += len(b)
		}
	}
	n := 0
	err := w.rc.Write(func(fd uintptr) bool {
		for len(w.iov) > 0 {
			m, _, errno := syscall.RawSyscall(syscall.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&w.iov[0])), uintptr(len(w.iov)))
			if errno == syscall.EINTR {
				continue
			}
			if errno != 0 || m == 0 {
				break
			}
			n += int(m)
			w.iov = skipIovecs(w.iov, int(m))
		}
		return true
	})
	clear(w.iov) // let the buffers go
	w.iov = w.iov[:0]
	if err != nil {
		return 0
	}
	return n
}

// skipIovecs drops the first n bytes of iov.
func skipIovecs(iov []syscall.Iovec, n int) []syscall.Iovec {
	for len(iov) > 0 && n >= int(iov[0].Len) {
		n -= int(iov[0].Len)
		iov = iov[1:]
	}
	if len(iov) > 0 && n > 0 {
		iov[0].Base = (*byte)(unsafe.Add(unsafe.Pointer(iov[0].Base), n))
		iov[0].SetLen(int(iov[0].Len) - n)
	}
	return iov
}
