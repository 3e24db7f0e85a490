package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Serve after Close.
var ErrClosed = errors.New("rtmp: server closed")

// Server is the built-in RTMP server: it takes publishers (cameras, OBS,
// ffmpeg, the studio itself) and serves their streams to players, each
// player with its own bounded queue and writer goroutine, so that a
// publisher never waits for a player.
//
// Everything a peer controls is bounded (see Config and Limits).
// Serve owns the accept loop; Close stops it, closes every connection and
// waits for every goroutine the server started.
type Server struct {
	cfg     Config
	log     *slog.Logger
	auth    atomic.Pointer[AuthConfig]
	limiter *failureLimiter

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	ln      net.Listener
	conns   map[*serverConn]struct{}
	perIP   map[netip.Addr]int
	streams map[string]*liveStream
	closed  bool
	changed chan struct{} // closed and replaced at every publish change (Changed)

	tun tunnels // RTMPT sessions

	counters serverCounters
	refusals refusalLog
}

type serverCounters struct {
	accepted, refused, authFailures, panics atomic.Uint64
	// direct counts packets the publisher wrote straight to a player's
	// socket (player.direct), and directTails those it could write only
	// in part, leaving the rest to the player.
	direct, directTails atomic.Uint64
}

// New returns a server with cfg; nothing listens until Listen or Serve.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:     cfg,
		log:     cfg.Log.With("component", "rtmp-server"),
		limiter: newFailureLimiter(cfg.Auth.MaxFailures, cfg.Auth.FailureWindow),
		ctx:     ctx, cancel: cancel,
		conns:   map[*serverConn]struct{}{},
		perIP:   map[netip.Addr]int{},
		streams: map[string]*liveStream{},
		changed: make(chan struct{}),
	}
	a := cfg.Auth
	s.auth.Store(&a)
	return s
}

// SetAuth replaces the keys and play policy; it applies to new publish and
// play requests (for key rotation and revocation).
func (s *Server) SetAuth(a AuthConfig) { s.auth.Store(&a) }

// Listen binds cfg.Addr and serves it in a goroutine owned by the server.
// It returns once the port is bound.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening for RTMP on %s: %w", s.cfg.Addr, err)
	}
	s.mu.Lock()
	s.ln = ln // so that Addr answers as soon as Listen returns
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.Serve(ln); err != nil && !errors.Is(err, ErrClosed) {
			s.log.Error("accept loop ended", "err", err)
		}
	}()
	return nil
}

// Addr returns the address being served, or nil before Listen or Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Serve accepts connections on ln until Close. Accept errors back off from
// 5 ms to 1 s instead of spinning. It returns ErrClosed after Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	s.ln = ln
	s.mu.Unlock()
	s.log.Info("RTMP server listening", "addr", ln.Addr().String())
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return ErrClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("RTMP listener closed: %w", err)
			}
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed; backing off", "err", err, "backoff", backoff)
			select {
			case <-time.After(backoff):
			case <-s.ctx.Done():
				return ErrClosed
			}
			continue
		}
		backoff = 0
		s.admit(c)
	}
}

// admit registers c and starts its goroutine, or closes it at once when
// the server is full or the address has too many connections.
func (s *Server) admit(c net.Conn) {
	ip := remoteIP(c)
	s.mu.Lock()
	if problem := s.admitProblem(ip); problem != "" {
		s.mu.Unlock()
		s.counters.refused.Add(1)
		c.Close()
		if !errors.Is(s.ctx.Err(), context.Canceled) {
			s.refusals.note(s.log, time.Now(), problem, ip)
		}
		return
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(s.cfg.SendBuffer)
	}
	sc := newServerConn(s, c, ip)
	s.conns[sc] = struct{}{}
	s.perIP[ip]++
	s.wg.Add(1)
	s.mu.Unlock()
	s.counters.accepted.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.forget(sc)
		sc.serve()
	}()
}

func (s *Server) forget(sc *serverConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, sc)
	if s.perIP[sc.ip]--; s.perIP[sc.ip] <= 0 {
		delete(s.perIP, sc.ip)
	}
}

// Close stops accepting, closes every connection (players get EOF) and
// waits for every goroutine of the server. It is safe to call twice.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	s.notifyLocked()
	s.cancel()
	if s.ln != nil {
		s.ln.Close()
	}
	for c := range s.conns {
		c.close()
	}
	for _, ls := range s.streams {
		ls.hub.Close()
	}
	s.mu.Unlock()
	s.tun.closeAll()
	s.wg.Wait()
	s.log.Info("RTMP server stopped")
	return nil
}

// remoteIP is the peer's address without port (unspecified if unknown).
func remoteIP(c net.Conn) netip.Addr {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}
