package hls

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Errors a request can end with, as HTTP statuses.
const (
	statusNotFound   = http.StatusNotFound
	statusBadRequest = http.StatusBadRequest
)

// ServeFile answers a GET of file (the last element of the URL path:
// index.m3u8, a media playlist, the init file, a segment or a part). Media
// playlists honour _HLS_msn, _HLS_part and _HLS_skip; a request waits at
// most three target durations, and never past its context. Anything not
// listed in a playlist is a 404, a malformed query a 400.
func (s *Stream) ServeFile(w http.ResponseWriter, r *http.Request, file string) {
	switch {
	case file == "index.m3u8":
		st := s.wait(r.Context(), s.cfg.StartTimeout, func(st *state) bool { return st != nil })
		if st == nil {
			http.Error(w, "the stream has no segment yet", http.StatusServiceUnavailable)
			return
		}
		writePlaylist(w, st.index)
		return
	}
	st := s.wait(r.Context(), s.cfg.StartTimeout, func(st *state) bool { return st != nil })
	if st == nil {
		http.Error(w, "no such file", statusNotFound)
		return
	}
	if _, ok := st.media[file]; ok {
		s.serveMedia(w, r, file)
		return
	}
	if !st.files[file] && st.hints[file] {
		// A preload hint: the part is being made. Wait for it, briefly.
		st = s.wait(r.Context(), 3*time.Second, func(st *state) bool { return st != nil && st.files[file] })
	}
	if st == nil || !st.files[file] {
		http.Error(w, "no such file", statusNotFound)
		return
	}
	s.forward(w, file)
}

// serveMedia answers a media playlist request, blocking as LL-HLS asks.
func (s *Stream) serveMedia(w http.ResponseWriter, r *http.Request, file string) {
	q := r.URL.Query()
	msn, part := -1, -1
	if v := q.Get("_HLS_msn"); v != "" {
		n, err := strconv.ParseUint(v, 10, 31)
		if err != nil {
			http.Error(w, "bad _HLS_msn", statusBadRequest)
			return
		}
		msn = int(n)
	}
	if v := q.Get("_HLS_part"); v != "" {
		n, err := strconv.ParseUint(v, 10, 31)
		if err != nil || msn < 0 {
			http.Error(w, "bad _HLS_part (it needs _HLS_msn)", statusBadRequest)
			return
		}
		part = int(n)
	}
	skip := q.Get("_HLS_skip")
	if skip != "" && skip != "YES" && skip != "v2" {
		http.Error(w, "bad _HLS_skip", statusBadRequest)
		return
	}
	st := s.current()
	mp := st.media[file]
	if msn >= 0 && !s.isEnded() {
		if msn > mp.lastMSN+2 || (msn == mp.lastMSN+1 && part > mp.partsPending+advancePartLimit(mp.partTarget)) {
			http.Error(w, "_HLS_msn or _HLS_part is too far ahead of the playlist", statusBadRequest)
			return
		}
		limit := 3 * max(mp.target, time.Second)
		st = s.wait(r.Context(), limit, func(st *state) bool { return st.media[file].has(msn, part) })
		if st == nil {
			if r.Context().Err() == nil {
				http.Error(w, "the part did not come in time", http.StatusServiceUnavailable)
			}
			return
		}
		mp = st.media[file]
	}
	switch {
	case s.isEnded():
		writePlaylist(w, mp.ended)
	case skip != "":
		writePlaylist(w, mp.delta)
	default:
		writePlaylist(w, mp.full)
	}
}

// advancePartLimit is how far past the last part a client may ask: three
// seconds' worth of parts (RFC 8216bis 6.2.5.2).
func advancePartLimit(partTarget time.Duration) int {
	if partTarget <= 0 || partTarget >= time.Second {
		return 3
	}
	return int(3 * time.Second / partTarget)
}

func writePlaylist(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// forward lets the muxer serve a file it lists (init, segment, part).
func (s *Stream) forward(w http.ResponseWriter, file string) {
	s.mu.Lock()
	mux, closed := s.mux, s.closed
	s.mu.Unlock()
	if mux == nil || closed {
		http.Error(w, "no such file", statusNotFound)
		return
	}
	tw := &trackingWriter{ResponseWriter: w}
	mux.Handle(tw, internalRequest(file, ""))
	if !tw.wrote {
		http.Error(w, "no such file", statusNotFound) // dropped meanwhile
	}
}

// trackingWriter notes whether the muxer answered at all.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) { t.wrote = true; t.ResponseWriter.WriteHeader(code) }
func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

func (s *Stream) current() *state {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *Stream) isEnded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}

// wait returns the snapshot once ok accepts it, or once the stream ended
// (with whatever snapshot there is); nil when ctx ends or limit passes.
func (s *Stream) wait(ctx context.Context, limit time.Duration, ok func(*state) bool) *state {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		s.mu.Lock()
		st, ch, ended := s.state, s.chChange, s.ended
		s.mu.Unlock()
		if ok(st) || (ended && st != nil) {
			return st
		}
		if ended {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil
		case <-timer.C:
			return nil
		}
	}
}
