package record

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
)

// QueueLimits bound a recording's queue: about 30 s of a 6 Mb/s
// program. A disk that stalls longer makes the recording skip to the next
// keyframe (counted in Dropped); the stream never waits for it.
var QueueLimits = media.QueueLimits{MaxPackets: 4096, MaxBytes: 24 << 20}

// Options configures StartWith.
type Options struct {
	// Path is the file to create; it must not exist. A .mkv path records
	// Matroska, anything else fragmented MP4.
	Path string
	// Faststart remuxes the MP4 to a regular one (index first) when the
	// recording ends.
	Faststart bool
	// FreeName records to NAME-2.ext, NAME-3.ext … when Path exists, instead
	// of failing; Recording.Path says which file it is.
	FreeName bool
}

// maxFreeNames bounds the names FreeName tries.
const maxFreeNames = 100

// Stats is a snapshot of a recording.
type Stats struct {
	Path     string
	Bytes    int64         // written to the file
	Duration time.Duration // media recorded
	Dropped  uint64        // packets skipped (queue overflow, before the first keyframe)
	Running  bool
}

// Recording writes one stream to a file: a goroutine reads a bounded
// media.Reader (from Hub.Subscribe or Server.Watch) and hands each packet to
// an encode.Recorder. The producer only ever enqueues, so a slow or full
// disk never delays the stream. When a write fails the recording stops by
// itself, logs one sentence ("recording stopped: the disk is full (…)")
// and leaves the queue; Err then says why.
type Recording struct {
	q    media.Reader
	stop func()
	rec  *encode.Recorder
	log  *slog.Logger
	path string

	stopOnce sync.Once
	chDone   chan struct{}
	err      error // set before chDone is closed
}

// Start records the packets of q to path (see
// StartWith).
func Start(q media.Reader, stop func(), path string, log *slog.Logger) (*Recording, error) {
	return StartWith(q, stop, Options{Path: path}, log)
}

// StartWith creates the file and starts the recording goroutine.
// stop leaves the stream and closes q (Hub.Unsubscribe, or the stop
// Server.Watch returns); it is called once, when the recording ends for
// any reason. If
// the file cannot be created, stop is called and the error says why. A nil
// log discards.
func StartWith(q media.Reader, stop func(), opt Options, log *slog.Logger) (*Recording, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if stop == nil {
		stop = func() {}
	}
	path := opt.Path
	var rec *encode.Recorder
	var err error
	for i := 1; i <= maxFreeNames; i++ {
		if i > 1 {
			path = numberedPath(opt.Path, i)
		}
		rec, err = encode.NewRecorder(encode.RecorderConfig{Path: path, Faststart: opt.Faststart}, log)
		if err == nil || !opt.FreeName || !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		stop()
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%s exists already: record to another name", path)
		}
		return nil, fmt.Errorf("cannot record to %s: %w", path, err)
	}
	if path != opt.Path {
		log.Info("the file exists already: recording to a new one", "exists", opt.Path, "path", path)
	}
	r := &Recording{q: q, stop: stop, rec: rec, log: log, path: path, chDone: make(chan struct{})}
	log.Info("recording started", "path", path)
	go r.run()
	return r, nil
}

func (r *Recording) run() {
	defer close(r.chDone)
	werr := r.pump()
	r.leave()
	cerr := r.rec.Close()
	switch err := errors.Join(werr, cerr); {
	case err != nil:
		r.err = stoppedError(r.path, err)
		r.log.Error(r.err.Error(), "recorded", r.rec.Duration().Round(time.Millisecond), "cause", err)
	default:
		s := r.Stats()
		r.log.Info("recording saved", "path", r.path, "duration", s.Duration.Round(time.Millisecond),
			"bytes", s.Bytes, "dropped", s.Dropped)
	}
}

// pump writes packets until the queue is closed and drained, or a write
// fails.
func (r *Recording) pump() error {
	for {
		p, err := r.q.Pop(context.Background())
		if err != nil {
			return nil // closed: the stream ended or Stop was called
		}
		if err := r.rec.Write(p); err != nil {
			return err
		}
	}
}

// leave unsubscribes from the stream, once.
func (r *Recording) leave() {
	r.stopOnce.Do(r.stop)
}

// StopError is why a recording stopped by itself. Its message is the one
// sentence people see; the cause (syscall.ENOSPC…) is in its chain.
type StopError struct {
	Msg   string
	Cause error
}

// Error returns the sentence people see.
func (e *StopError) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *StopError) Unwrap() error { return e.Cause }

// stoppedError turns a recorder error into the one sentence people see.
func stoppedError(path string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return &StopError{Msg: fmt.Sprintf("recording stopped: the disk is full (%s)", path), Cause: err}
	case errors.Is(err, encode.ErrRecordingFormatChanged):
		return &StopError{Msg: fmt.Sprintf("recording stopped: the stream changed its video or audio format (%s)", path), Cause: err}
	}
	return &StopError{Msg: fmt.Sprintf("recording stopped: writing %s failed", path), Cause: err}
}

// Stop ends the recording: what is queued is written, the file is closed
// (and remuxed when asked) and Stop returns what Err returns. Safe to call
// more than once, and after the recording stopped by itself.
func (r *Recording) Stop() error {
	r.leave()
	<-r.chDone
	return r.err
}

// Done is closed once the recording has ended and its file is closed.
func (r *Recording) Done() <-chan struct{} { return r.chDone }

// Err returns why the recording stopped by itself (nil while it runs and
// after a clean end).
func (r *Recording) Err() error {
	select {
	case <-r.chDone:
		return r.err
	default:
		return nil
	}
}

// Path returns the file being recorded.
func (r *Recording) Path() string { return r.path }

// Stats returns the recording's counters; safe from any goroutine.
func (r *Recording) Stats() Stats {
	s := Stats{Path: r.path, Bytes: r.rec.Bytes(), Duration: r.rec.Duration(),
		Dropped: r.q.Stats().Dropped + r.rec.Dropped(), Running: true}
	select {
	case <-r.chDone:
		s.Running = false
	default:
	}
	return s
}
