package web

import (
	"net"
	"net/http"
	"time"
)

// Timeouts bound the web side's connections: a connection that sends no
// request goes after ReadHeader, an idle keep-alive one after Idle, and a
// viewer that stops reading is dropped after Write (which also bounds the
// waits of LL-HLS blocking requests and of DASH chunks, both shorter).
type Timeouts struct {
	ReadHeader, Write, Idle time.Duration
}

// DefaultTimeouts are the local server's.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 5 * time.Second, Write: 20 * time.Second, Idle: 30 * time.Second}
}

// SendBuffer is each connection's kernel send buffer. Bounding it keeps
// what a stalled viewer holds small (the RTMP server does the same): its
// writes block, and the write timeout drops it.
const SendBuffer = 256 << 10

// NewHTTPServer returns the http.Server for h with the timeouts t.
func NewHTTPServer(h http.Handler, t Timeouts) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.ReadHeader,
		WriteTimeout: t.Write, IdleTimeout: t.Idle, MaxHeaderBytes: 16 << 10,
		ConnState: func(c net.Conn, st http.ConnState) {
			if tc, ok := c.(*net.TCPConn); ok && st == http.StateNew {
				_ = tc.SetWriteBuffer(SendBuffer)
			}
		}}
}
