package server

import (
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// tunnelBacklog bounds what an RTMPT session holds for its client between
// two of its requests. A Write past it waits, within the write deadline,
// like a socket whose send buffer is full: a player that stops polling is
// then dropped by the server's own write timeout.
const tunnelBacklog = 4 << 20

// tunnelConn is one RTMPT session seen as a net.Conn by the server's
// connection code: Read returns what the client POSTed, Write queues what
// goes back in the responses. Deadlines behave as a socket's do.
type tunnelConn struct {
	id            string
	local, remote net.Addr

	mu      sync.Mutex
	in      []byte // from the client, not read yet
	out     []byte // for the client, not sent yet
	closed  bool
	readDL  time.Time
	writeDL time.Time
	// Each is signalled (capacity 1) when its waiter should look again: in
	// grew, out shrank or grew, a deadline moved, or the session closed.
	chIn, chOutSpace, chOut chan struct{}
}

func newTunnelConn(id string, local, remote net.Addr) *tunnelConn {
	return &tunnelConn{id: id, local: local, remote: remote,
		chIn: make(chan struct{}, 1), chOutSpace: make(chan struct{}, 1), chOut: make(chan struct{}, 1)}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// wait blocks until ch is signalled or the deadline dl passes; it reports
// false on the deadline.
func wait(ch chan struct{}, dl time.Time) bool {
	if dl.IsZero() {
		<-ch
		return true
	}
	d := time.Until(dl)
	if d <= 0 {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

// Read returns what the client sent, waiting for its next request.
func (c *tunnelConn) Read(p []byte) (int, error) {
	for {
		c.mu.Lock()
		switch {
		case len(c.in) > 0:
			n := copy(p, c.in)
			c.in = c.in[n:]
			c.mu.Unlock()
			return n, nil
		case c.closed:
			c.mu.Unlock()
			return 0, io.EOF
		}
		dl := c.readDL
		c.mu.Unlock()
		if !wait(c.chIn, dl) {
			return 0, os.ErrDeadlineExceeded
		}
	}
}

// Write queues p for the client's next responses.
func (c *tunnelConn) Write(p []byte) (int, error) {
	for {
		c.mu.Lock()
		switch {
		case c.closed:
			c.mu.Unlock()
			return 0, net.ErrClosed
		case len(c.out) == 0 || len(c.out)+len(p) <= tunnelBacklog:
			c.out = append(c.out, p...)
			c.mu.Unlock()
			signal(c.chOut)
			return len(p), nil
		}
		dl := c.writeDL
		c.mu.Unlock()
		if !wait(c.chOutSpace, dl) {
			return 0, os.ErrDeadlineExceeded
		}
	}
}

// push appends what a client request carried; it reports false once the
// session is closed.
func (c *tunnelConn) push(b []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.in = append(c.in, b...)
	signal(c.chIn)
	return true
}

// take returns what waits for the client, at most max bytes, waiting up
// to hold for something when nothing waits yet. done reports that the
// session is closed and nothing is left.
func (c *tunnelConn) take(max int, hold time.Duration) (b []byte, done bool) {
	c.mu.Lock()
	if len(c.out) == 0 && !c.closed && hold > 0 {
		c.mu.Unlock()
		wait(c.chOut, time.Now().Add(hold))
		c.mu.Lock()
	}
	defer c.mu.Unlock()
	n := min(len(c.out), max)
	b = append([]byte(nil), c.out[:n]...)
	c.out = c.out[n:]
	if len(c.out) == 0 {
		c.out = nil // let a large backlog's array go
	}
	if n > 0 {
		signal(c.chOutSpace)
	}
	return b, c.closed && len(c.out) == 0
}

// Close ends the session: Read returns EOF and Write fails; what is
// queued for the client can still be taken.
func (c *tunnelConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	signal(c.chIn)
	signal(c.chOutSpace)
	signal(c.chOut)
	return nil
}

func (c *tunnelConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// LocalAddr is the HTTP server's address.
func (c *tunnelConn) LocalAddr() net.Addr { return c.local }

// RemoteAddr is the address the session was opened from.
func (c *tunnelConn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline sets both deadlines.
func (c *tunnelConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

// SetReadDeadline bounds Read, as on a socket.
func (c *tunnelConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.readDL = t
	c.mu.Unlock()
	signal(c.chIn)
	return nil
}

// SetWriteDeadline bounds Write, as on a socket.
func (c *tunnelConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.writeDL = t
	c.mu.Unlock()
	signal(c.chOutSpace)
	return nil
}
