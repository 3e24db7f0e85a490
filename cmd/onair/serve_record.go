package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/record"

	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// recordFlags are serve's recording flags.
type recordFlags struct {
	dir       string
	faststart bool
}

func addRecordFlags(fs *flag.FlagSet) *recordFlags {
	f := &recordFlags{}
	fs.StringVar(&f.dir, "record", "", "record every stream published here into this directory (one file per publish session)")
	fs.BoolVar(&f.faststart, "record-faststart", false, "remux each recording to a regular MP4 when it ends (the file is fragmented MP4 while recording)")
	return f
}

// serveRecorder records every stream published into the local server:
// its goroutine wakes at every publish change the server announces
// (Server.Changed) and starts a record.Recording (through Server.Watch)
// for each new publish session.
type serveRecorder struct {
	srv       *server.Server
	dir       string
	faststart bool
	log       *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	active  map[string]sessionRecording // by stream key, until the session ends
	closing []*record.Recording         // of sessions that ended, until they are done
}

// sessionRecording is the recording of one publish session.
type sessionRecording struct {
	rec     *record.Recording
	session uint64 // server.StreamStats.Session
}

// startServeRecording starts recording into f.dir; it returns nil (and
// does nothing) without --record.
func startServeRecording(srv *server.Server, f *recordFlags, log *slog.Logger) (*serveRecorder, error) {
	if f == nil || f.dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the recording directory: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &serveRecorder{srv: srv, dir: f.dir, faststart: f.faststart, log: log.With("component", "recorder"),
		cancel: cancel, done: make(chan struct{}), active: map[string]sessionRecording{}}
	go r.run(ctx)
	log.Info("recording every published stream", "dir", f.dir)
	return r, nil
}

func (r *serveRecorder) run(ctx context.Context) {
	defer close(r.done)
	for {
		changed := r.srv.Changed() // before reading the streams: no change is missed
		r.reconcile()
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// reconcile starts a recording for every publish session that has none,
// and lets the recordings of sessions that ended finish. A recording that
// stopped by itself (disk full) is not restarted while its session lasts.
func (r *serveRecorder) reconcile() {
	live := map[string]uint64{}
	for _, s := range r.srv.Stats().Streams {
		if s.Live {
			live[s.Name] = s.Session
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closing = slices.DeleteFunc(r.closing, func(rec *record.Recording) bool { return isDone(rec) })
	for name, sr := range r.active {
		if session, ok := live[name]; !ok || session != sr.session {
			r.closing = append(r.closing, sr.rec) // its watch queue ends with the session
			delete(r.active, name)
		}
	}
	for name, session := range live {
		if _, ok := r.active[name]; ok {
			continue
		}
		rec, err := r.start(name)
		if err != nil {
			r.log.Error("cannot record the stream", "stream", name, "err", err)
			continue
		}
		r.active[name] = sessionRecording{rec: rec, session: session}
	}
}

// isDone reports whether rec has ended.
func isDone(rec *record.Recording) bool {
	select {
	case <-rec.Done():
		return true
	default:
		return false
	}
}

// start records stream name into a new file named by stream and date (with
// -2, -3 … when one of that name exists).
func (r *serveRecorder) start(name string) (*record.Recording, error) {
	q, stop, err := r.srv.Watch(name, record.QueueLimits)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(r.dir, record.Name(name, time.Now(), ".mp4"))
	return record.StartWith(q, stop, record.Options{Path: path, Faststart: r.faststart, FreeName: true},
		r.log.With("stream", name))
}

// Close stops looking for streams and ends every recording, waiting for
// their files to be closed. Safe on nil.
func (r *serveRecorder) Close() {
	if r == nil {
		return
	}
	r.cancel()
	<-r.done
	r.mu.Lock()
	recs := r.closing
	for _, sr := range r.active {
		recs = append(recs, sr.rec)
	}
	r.active, r.closing = nil, nil
	r.mu.Unlock()
	for _, rec := range recs {
		_ = rec.Stop() // a failure was logged when it happened
	}
}
