//go:build !linux

package server

import "net"

// socketWriter would write to a socket without waiting; off Linux the
// fan-out has no fast path and every player writes from its own goroutine.
type socketWriter struct{}

// newSocketWriter returns nil: no fast path here.
func newSocketWriter(net.Conn) *socketWriter { return nil }

func (*socketWriter) tryWrite([]byte) int { return 0 }

func (*socketWriter) tryWritev([][]byte) int { return 0 }
