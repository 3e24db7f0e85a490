package server

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// A tunnel session behaves as a socket: Read waits for the client's next
// request and honours its deadline, Write queues up to the backlog and
// then waits within its deadline, and Close lets what is queued still be
// taken while reads end and writes fail.
func TestTunnelConnBehavesAsASocket(t *testing.T) {
	c := newTunnelConn("id", &net.TCPAddr{}, &net.TCPAddr{})
	_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := c.Read(make([]byte, 8)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read with nothing sent: %v; want a deadline error", err)
	}
	_ = c.SetReadDeadline(time.Time{})
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 8)
		n, _ := c.Read(b)
		got <- string(b[:n])
	}()
	c.push([]byte("C0C1"))
	if s := <-got; s != "C0C1" {
		t.Fatalf("Read %q; want what the request carried", s)
	}

	big := make([]byte, tunnelBacklog)
	if _, err := c.Write(big); err != nil {
		t.Fatalf("a write into an empty backlog: %v", err)
	}
	_ = c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := c.Write([]byte("more")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a write past the backlog: %v; want it to wait out its deadline", err)
	}
	_ = c.SetWriteDeadline(time.Time{})
	wrote := make(chan error, 1)
	go func() {
		_, err := c.Write([]byte("more"))
		wrote <- err
	}()
	var taken []byte
	for len(taken) < tunnelBacklog+4 {
		b, done := c.take(tunnelMaxReply, time.Second)
		if len(b) > tunnelMaxReply || done {
			t.Fatalf("take returned %d bytes (done %v); want at most %d", len(b), done, tunnelMaxReply)
		}
		taken = append(taken, b...)
	}
	if err := <-wrote; err != nil {
		t.Fatalf("a write waiting for room: %v", err)
	}
	if string(taken[tunnelBacklog:]) != "more" {
		t.Fatalf("the waiting write's bytes came out as %q", taken[tunnelBacklog:])
	}
	_, _ = c.Write([]byte("tail"))

	c.Close()
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("Read after Close: %v; want EOF", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after Close: %v; want net.ErrClosed", err)
	}
	rest, done := c.take(tunnelMaxReply, time.Second)
	if string(rest) != "tail" || !done {
		t.Errorf("after Close take gave %q (done %v); want the queued bytes and done", rest, done)
	}
}
