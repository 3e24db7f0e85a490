package server

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// rawSocket reads and writes a plain TCP connection's socket with raw
// system calls: the socket is non-blocking, so no call waits, and the Go
// scheduler need not hand the goroutine's processor to another thread for
// it. With a write per packet and player, the runtime's bookkeeping for
// ordinary system calls cost a tenth of the fan-out's CPU: its monitor
// thread, woken by the first system call after every idle moment, then
// checks every 20 µs for a while, a context switch each time. Waiting
// (for data to read) happens in Go's poller, within the connection's
// deadlines, as for any net.Conn.
type rawSocket struct {
	rc syscall.RawConn
	// The callbacks RawConn runs, made once: a closure per call cost two
	// or three allocations per packet and player. Each works on its
	// fields below: the writer's under the connection's wmu, the
	// reader's on the read loop.
	writevFn, readFn func(fd uintptr) bool
	iovs             []syscall.Iovec // the buffers to write, kept between calls
	iov              []syscall.Iovec // what is left of them (writev moves its start)
	wrote            int
	rbuf             []byte // where to read
	read             int
	rerr             error
}

// newRawSocket returns a rawSocket for conn, or nil when conn is not a
// plain TCP connection (TLS, the RTMPT tunnel, a test's pipe).
func newRawSocket(conn net.Conn) *rawSocket {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	w := &rawSocket{rc: rc}
	w.writevFn, w.readFn = w.writev, w.readSome
	return w
}

// tryWrite writes as much of b as the socket takes now and returns how
// much that was: 0 when the socket is full, closed or failing (the
// player's own goroutine then writes b and meets the error, if any).
func (w *rawSocket) tryWrite(b []byte) int { return w.tryWritev([][]byte{b}) }

// tryWritev is tryWrite for several buffers, in one raw writev.
func (w *rawSocket) tryWritev(bufs [][]byte) int {
	w.iovs = w.iovs[:0]
	for _, b := range bufs {
		if len(b) > 0 {
			v := syscall.Iovec{Base: &b[0]}
			v.SetLen(len(b))
			w.iovs = append(w.iovs, v)
		}
	}
	w.iov, w.wrote = w.iovs, 0
	err := w.rc.Write(w.writevFn)
	clear(w.iovs) // let the buffers go
	w.iovs, w.iov = w.iovs[:0], nil
	if err != nil {
		return 0
	}
	return w.wrote
}

// writev writes w.iov until the socket is full, adding to w.wrote.
func (w *rawSocket) writev(fd uintptr) bool {
	for len(w.iov) > 0 {
		m, _, errno := syscall.RawSyscall(syscall.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&w.iov[0])), uintptr(len(w.iov)))
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 || m == 0 {
			break
		}
		w.wrote += int(m)
		w.iov = skipIovecs(w.iov, int(m))
	}
	return true // never wait for room: what is left goes to the player
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

// Read reads what the socket holds, waiting for data in Go's poller
// (within the connection's read deadline) when there is none.
func (w *rawSocket) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	w.rbuf, w.read, w.rerr = b, 0, nil
	err := w.rc.Read(w.readFn)
	w.rbuf = nil
	if err != nil {
		return 0, err // the deadline passed, or the connection was closed
	}
	return w.read, w.rerr
}

// readSome reads once into w.rbuf, setting w.read and w.rerr; it asks the
// poller to wait when there is nothing to read.
func (w *rawSocket) readSome(fd uintptr) bool {
	for {
		m, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&w.rbuf[0])), uintptr(len(w.rbuf)))
		switch errno {
		case 0:
			if w.read = int(m); w.read == 0 {
				w.rerr = io.EOF
			}
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false // wait until readable
		default:
			w.rerr = os.NewSyscallError("read", errno)
			return true
		}
	}
}
