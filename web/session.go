package web

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed7c1a73c4/onair/dash"
	"github.com/seed7c1a73c4/onair/hls"
)

// output is one muxer of a stream: HLS or DASH.
type output interface {
	ServeFile(w http.ResponseWriter, r *http.Request, file string)
	Ended() (bool, time.Time)
	Close()
}

// session holds the muxers of one stream.
type session struct {
	name    string
	mu      sync.Mutex
	outs    map[string]output // "hls", "dash"
	lastUse atomic.Int64      // unix nanoseconds
}

// serveStream answers /live/NAME/FILE.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/")
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		http.NotFound(w, r)
		return
	}
	name, file := rest[:i], rest[i+1:]
	if !validName(name) || file == "" {
		http.Error(w, "bad stream name", http.StatusBadRequest)
		return
	}
	kind := "hls"
	if file == "manifest.mpd" || strings.HasPrefix(file, "dash-") {
		kind = "dash"
	}
	out, err := s.output(name, kind)
	if err != nil {
		http.Error(w, "no such live stream", http.StatusNotFound)
		return
	}
	out.ServeFile(w, r, file)
}

var errServerClosed = errors.New("web: server closed")

// output returns the stream's muxer of kind, starting it when the stream
// is live and nobody watched it yet (or its last publish ended).
func (s *Server) output(name, kind string) (output, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errServerClosed
	}
	ss := s.sessions[name]
	if ss == nil {
		ss = &session{name: name, outs: map[string]output{}}
		s.sessions[name] = ss
	}
	s.mu.Unlock()
	ss.lastUse.Store(time.Now().UnixNano())
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := ss.outs[kind]
	if out != nil {
		if ended, _ := out.Ended(); !ended || !s.cfg.Source.Live(name) {
			return out, nil
		}
		out.Close() // published again: a new muxer for the new session
		delete(ss.outs, kind)
	}
	rd, err := s.cfg.Source.Subscribe(name)
	if err != nil {
		return nil, err
	}
	log := s.cfg.Log.With("stream", name)
	if kind == "dash" {
		c := s.cfg.DASH
		c.Log = log
		out = dash.Start(rd, c)
	} else {
		c := s.cfg.HLS
		c.Log = log
		out = hls.Start(rd, c)
	}
	ss.outs[kind] = out
	log.Info("muxing for viewers", "format", kind)
	return out, nil
}

// sweep closes the idle and the long-ended muxers.
func (s *Server) sweep(now time.Time) {
	s.mu.Lock()
	var all []*session
	for _, ss := range s.sessions {
		all = append(all, ss)
	}
	s.mu.Unlock()
	for _, ss := range all {
		idle := now.Sub(time.Unix(0, ss.lastUse.Load())) > s.cfg.IdleClose
		ss.mu.Lock()
		for kind, out := range ss.outs {
			ended, at := out.Ended()
			if idle || (ended && now.Sub(at) > s.cfg.Linger) {
				out.Close()
				delete(ss.outs, kind)
				s.cfg.Log.Info("stopped muxing", "stream", ss.name, "format", kind, "idle", idle)
			}
		}
		empty := len(ss.outs) == 0
		ss.mu.Unlock()
		if empty {
			s.mu.Lock()
			if s.sessions[ss.name] == ss {
				ss.mu.Lock()
				if len(ss.outs) == 0 {
					delete(s.sessions, ss.name)
				}
				ss.mu.Unlock()
			}
			s.mu.Unlock()
		}
	}
}

func (ss *session) close() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for kind, out := range ss.outs {
		out.Close()
		delete(ss.outs, kind)
	}
}

var _ output = (*hls.Stream)(nil)
var _ output = (*dash.Stream)(nil)
