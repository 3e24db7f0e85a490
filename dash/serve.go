package dash

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServeFile answers a GET of file: manifest.mpd, dash-v-init.mp4,
// dash-a-init.mp4, or a segment dash-v-N.m4s / dash-a-N.m4s. A segment
// being made is sent chunk by chunk as the chunks are made (chunked
// transfer); the next segment waits for its start. Anything else is a 404.
func (s *Stream) ServeFile(w http.ResponseWriter, r *http.Request, file string) {
	if file == "manifest.mpd" {
		s.serveManifest(w, r)
		return
	}
	name, ok := strings.CutPrefix(file, "dash-")
	if !ok || len(name) < 2 || name[1] != '-' {
		http.NotFound(w, r)
		return
	}
	if !s.waitReady(r.Context()) {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	t := s.video
	if name[0] == 'a' {
		t = s.audio
	} else if name[0] != 'v' {
		t = nil
	}
	s.mu.Unlock()
	if t == nil {
		http.NotFound(w, r)
		return
	}
	rest := name[2:]
	if rest == "init.mp4" {
		w.Header().Set("Content-Type", mimeOf(t))
		w.Header().Set("Cache-Control", "max-age=30")
		w.Header().Set("Content-Length", strconv.Itoa(len(t.init)))
		_, _ = w.Write(t.init)
		return
	}
	num, ok := strings.CutSuffix(rest, ".m4s")
	n, err := strconv.ParseUint(num, 10, 31)
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	s.serveSegment(w, r, t, int(n))
}

func mimeOf(t *track) string {
	if t.id == "a" {
		return "audio/mp4"
	}
	return "video/mp4"
}

func (s *Stream) serveManifest(w http.ResponseWriter, r *http.Request) {
	if !s.waitReady(r.Context()) {
		http.Error(w, "the stream has no segment yet", http.StatusServiceUnavailable)
		return
	}
	s.mu.Lock()
	b := s.manifest(time.Now())
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/dash+xml")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// waitReady waits until the manifest can be made (or the stream ended).
func (s *Stream) waitReady(ctx context.Context) bool {
	_, ok := s.waitFor(ctx, s.cfg.StartTimeout, func() bool { return s.segDur > 0 })
	return ok
}

// waitFor waits until cond (called under s.mu) holds, the stream ends, ctx
// ends or limit passes. It reports whether the stream ended and whether
// cond held.
func (s *Stream) waitFor(ctx context.Context, limit time.Duration, cond func() bool) (ended, ok bool) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok, ended, ch := cond(), s.ended, s.chChange
		s.mu.Unlock()
		if ok || ended {
			return ended, ok
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false, false
		case <-timer.C:
			return false, false
		}
	}
}

// serveSegment writes segment n of t, following it while it is made.
func (s *Stream) serveSegment(w http.ResponseWriter, r *http.Request, t *track, n int) {
	s.mu.Lock()
	d, last := s.segDur, t.last()
	s.mu.Unlock()
	if last == nil || n > last.number+1 {
		http.NotFound(w, r)
		return
	}
	limit := 2*d + 2*time.Second
	var seg *segment
	if _, ok := s.waitFor(r.Context(), limit, func() bool { seg = t.find(n); return seg != nil }); !ok {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	done := seg.done
	s.mu.Unlock()
	w.Header().Set("Content-Type", mimeOf(t))
	if done {
		w.Header().Set("Cache-Control", "max-age=60")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	rc := http.NewResponseController(w)
	sent := 0
	deadline := time.Now().Add(limit)
	for {
		var chunks [][]byte
		var ch chan struct{}
		s.mu.Lock()
		chunks, done, ch = seg.chunks[sent:], seg.done || s.ended, s.chChange
		s.mu.Unlock()
		for _, c := range chunks {
			if _, err := w.Write(c); err != nil {
				return // the viewer left, or stopped reading past the write timeout
			}
		}
		sent += len(chunks)
		if done {
			return
		}
		if len(chunks) > 0 {
			_ = rc.Flush()
		}
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		case <-time.After(time.Until(deadline)):
			return
		}
	}
}
