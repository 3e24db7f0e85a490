package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
)

// TestPeerLeftIsNoReason: a peer that hangs up (its goodbye's answer then
// finds the socket gone: broken pipe, seen from ffmpeg in a clean stop) is
// no reason to log; a timeout or a protocol error is.
func TestPeerLeftIsNoReason(t *testing.T) {
	write := func(errno error) error {
		return fmt.Errorf("writing to the client: %w", &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", errno)})
	}
	for _, c := range []struct {
		err  error
		left bool
	}{
		{io.EOF, true},
		{write(syscall.EPIPE), true},
		{write(syscall.ECONNRESET), true},
		{fmt.Errorf("reading: %w", net.ErrClosed), true},
		{write(syscall.ETIMEDOUT), false},
		{errors.New("no publish or play within 20s of connecting"), false},
	} {
		if got := peerLeft(c.err); got != c.left {
			t.Errorf("peerLeft(%v) = %v, want %v", c.err, got, c.left)
		}
	}
}
