package server

import (
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RTMPT (RTMP tunnelled over HTTP, as Flash Media Server, Red5, librtmp
// and FFmpeg speak it): the client POSTs /open/1 and gets a session ID,
// then POSTs /send/ID/SEQ with RTMP bytes, /idle/ID/SEQ to poll, and
// /close/ID/SEQ to end. Every response but open's starts with one byte, a
// polling hint, followed by RTMP bytes from the server. The session is an
// ordinary connection of the server (tunnelConn), with the same limits,
// keys and timeouts as one over TCP.
const (
	// tunnelMaxPost bounds one request's RTMP bytes (FFmpeg sends about
	// ten packets per request).
	tunnelMaxPost = 16 << 20
	// tunnelMaxReply bounds one response's RTMP bytes; the rest waits for
	// the next request.
	tunnelMaxReply = 1 << 20
	// tunnelIdleHold is how long an idle poll waits for data when none is
	// waiting, so that a polling player does not spin. Requests on one
	// HTTP connection are answered in order, so it stays short.
	tunnelIdleHold = 50 * time.Millisecond
	// tunnelPollHint is the polling byte every response starts with.
	tunnelPollHint = 0x01
)

// tunnels is the server's table of RTMPT sessions.
type tunnels struct {
	mu       sync.Mutex
	sessions map[string]*tunnelSession
}

// tunnelSession is a session's connection and its expiry.
type tunnelSession struct {
	conn   *tunnelConn
	expiry *time.Timer // reset by every request; ends the session
}

// RTMPTHandler serves RTMPT: POST /open/1, /send/ID/SEQ, /idle/ID/SEQ and
// /close/ID/SEQ. Session IDs are 128-bit random; an unknown ID gets 404,
// and a session with no request for Config.TunnelIdle is closed.
func (s *Server) RTMPTHandler() http.Handler { return http.HandlerFunc(s.serveRTMPT) }

// IsRTMPT reports whether r is an RTMPT request (a POST to one of its
// paths), for an HTTP side that serves other things too.
func IsRTMPT(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	cmd, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch cmd {
	case "open", "send", "idle", "close":
		return true
	}
	return false
}

func (s *Server) serveRTMPT(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "RTMPT takes POST", http.StatusMethodNotAllowed)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, tunnelMaxPost))
	if err != nil {
		http.Error(w, "the request body is too large or was cut", http.StatusRequestEntityTooLarge)
		return
	}
	if len(parts) == 2 && parts[0] == "open" {
		s.openTunnel(w, r)
		return
	}
	if len(parts) != 3 || !isSeq(parts[2]) {
		http.NotFound(w, r)
		return
	}
	ts := s.tunnel(parts[1])
	if ts == nil {
		http.NotFound(w, r)
		return
	}
	ts.expiry.Reset(s.cfg.TunnelIdle)
	hold := time.Duration(0)
	switch parts[0] {
	case "send":
		ts.conn.push(body)
	case "idle":
		hold = tunnelIdleHold
	case "close":
		ts.conn.Close()
	default:
		http.NotFound(w, r)
		return
	}
	out, done := ts.conn.take(tunnelMaxReply, hold)
	if done {
		s.dropTunnel(parts[1], ts)
	}
	writeTunnelReply(w, append([]byte{tunnelPollHint}, out...))
}

// openTunnel makes a session and hands its connection to the server,
// which refuses it (and the request gets 503) when a limit is reached.
func (s *Server) openTunnel(w http.ResponseWriter, r *http.Request) {
	id := rand.Text()
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	c := newTunnelConn(id, local, tunnelRemote(r.RemoteAddr))
	ts := &tunnelSession{conn: c}
	ts.expiry = time.AfterFunc(s.cfg.TunnelIdle, func() {
		c.Close()
		s.dropTunnel(id, ts)
	})
	s.tun.mu.Lock()
	if s.tun.sessions == nil {
		s.tun.sessions = map[string]*tunnelSession{}
	}
	s.tun.sessions[id] = ts
	s.tun.mu.Unlock()
	s.admit(c)
	if c.isClosed() {
		ts.expiry.Stop()
		s.dropTunnel(id, ts)
		http.Error(w, "the server is full", http.StatusServiceUnavailable)
		return
	}
	// librtmp drops the reply's last byte and FFmpeg trims white space:
	// both read "ID\n" as ID.
	writeTunnelReply(w, []byte(id+"\n"))
}

func (s *Server) tunnel(id string) *tunnelSession {
	s.tun.mu.Lock()
	defer s.tun.mu.Unlock()
	return s.tun.sessions[id]
}

// dropTunnel forgets the session id if it is still ts.
func (s *Server) dropTunnel(id string, ts *tunnelSession) {
	s.tun.mu.Lock()
	defer s.tun.mu.Unlock()
	if s.tun.sessions[id] == ts {
		ts.expiry.Stop()
		delete(s.tun.sessions, id)
	}
}

// closeAll ends every session (the server is closing).
func (t *tunnels) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, ts := range t.sessions {
		ts.expiry.Stop()
		ts.conn.Close()
		delete(t.sessions, id)
	}
}

// writeTunnelReply answers with the headers Flash Media Server sends.
// Old librtmp wants at least 144 bytes before it parses a response; these
// headers alone are more.
func writeTunnelReply(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/x-fcs")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "Keep-Alive")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// isSeq reports whether s is a request sequence number.
func isSeq(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

// tunnelRemote is the client's address as a TCP address, so that the
// per-address limit counts tunnels with sockets.
func tunnelRemote(addr string) net.Addr {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return &net.TCPAddr{}
	}
	return net.TCPAddrFromAddrPort(ap)
}
