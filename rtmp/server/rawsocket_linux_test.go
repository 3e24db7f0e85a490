package server

import (
	"bytes"
	"io"
	"net"
	"testing"
)

// TestRawSocketNeitherAllocates: a raw write or read allocates nothing (it
// runs per packet and player in the fan-out), and what one side writes the
// other reads, whole.
func TestRawSocketNeitherAllocates(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	client, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	srv, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	w, r := newRawSocket(srv), newRawSocket(client)
	if w == nil || r == nil {
		t.Fatal("no raw socket for a plain TCP connection")
	}
	msg := []byte("0123456789abcdef")
	bufs := [][]byte{msg[:5], msg[5:]}
	got := make([]byte, len(msg))
	allocs := testing.AllocsPerRun(100, func() {
		if n := w.tryWritev(bufs); n != len(msg) {
			t.Fatalf("wrote %d bytes, want %d", n, len(msg))
		}
		if _, err := io.ReadFull(r, got); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per write and read, want 0", allocs)
	}
	if !bytes.Equal(got, msg) {
		t.Errorf("read %q, want %q", got, msg)
	}
}
