//go:build !linux

package server

import (
	"io"
	"net"
)

// rawSocket would read and write a socket with raw system calls; off
// Linux the fan-out has no fast path, every player writes from its own
// goroutine and connections read through net.Conn.
type rawSocket struct{}

// newRawSocket returns nil: no fast path here.
func newRawSocket(net.Conn) *rawSocket { return nil }

func (*rawSocket) tryWrite([]byte) int { return 0 }

func (*rawSocket) Read([]byte) (int, error) { return 0, io.EOF }

func (*rawSocket) tryWritev([][]byte) int { return 0 }
