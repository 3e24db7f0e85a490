package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Server is the HTTP handler of the local server. It owns one janitor
// goroutine and the muxers it started; Close stops them all.
type Server struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	page   http.Handler

	mu       sync.Mutex
	access   Access
	sessions map[string]*session
	closed   bool
}

// New returns a Server; it serves until Close.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, ctx: ctx, cancel: cancel, access: cfg.Access,
		sessions: map[string]*session{}, page: pageHandler()}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.janitor()
	}()
	return s
}

// ServeHTTP routes a request. Paths that try to leave their folder, and
// stream names the RTMP server would refuse, are a 400; anything unknown
// a 404. Nothing is logged with its query.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if !cleanPath(p) || !cleanPath(r.URL.RawPath) {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	switch {
	case p == "/" || strings.HasPrefix(p, "/assets/"):
		if _, fromQuery := s.checkKey(r); fromQuery {
			setKeyCookie(w, r)
			http.Redirect(w, r, cleanURL(r.URL, withoutKey(r)), http.StatusSeeOther)
			return
		}
		s.page.ServeHTTP(w, r)
	case p == "/api/streams" || p == "/metrics":
		if !s.allow(w, r) {
			return
		}
		s.cfg.API.ServeHTTP(w, r)
	case strings.HasPrefix(p, "/live/"):
		if !s.allow(w, r) {
			return
		}
		s.serveStream(w, r)
	default:
		http.NotFound(w, r)
	}
}

// allow checks the key; a valid query key also goes into the cookie.
func (s *Server) allow(w http.ResponseWriter, r *http.Request) bool {
	ok, fromQuery := s.checkKey(r)
	if !ok {
		http.Error(w, "watching from another computer needs the server's play key: open the link the studio shows (its QR code)", http.StatusForbidden)
		return false
	}
	if fromQuery {
		setKeyCookie(w, r)
		r.URL.RawQuery = withoutKey(r)
	}
	return true
}

// cleanPath rejects dot segments, empty segments, backslashes, control
// characters and bytes that are not UTF-8.
func cleanPath(p string) bool {
	if !utf8.ValidString(p) || strings.Contains(p, "//") || strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// validName applies the RTMP server's stream name rules: at most 128 bytes
// of letters, digits and ._~- in non-empty segments separated by /.
func validName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._~-", c) >= 0) {
				return false
			}
		}
	}
	return true
}

// Close stops every muxer and the janitor, and waits for them.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return
	}
	s.closed = true
	sessions := s.sessions
	s.sessions = map[string]*session{}
	s.mu.Unlock()
	s.cancel()
	for _, ss := range sessions {
		ss.close()
	}
	s.wg.Wait()
}

// janitor stops the muxers nobody asked for lately, and those whose stream
// ended a while ago.
func (s *Server) janitor() {
	t := time.NewTicker(min(s.cfg.IdleClose, s.cfg.Linger) / 4)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C:
			s.sweep(now)
		}
	}
}
