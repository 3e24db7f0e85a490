package hls

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/bluenviron/gohlslib/v2"

	"github.com/seed7c1a73c4/onair/livesrc"
)

// Stream is the HLS output of one live stream. One goroutine reads the
// stream and feeds the muxer; viewers share the muxer's segments, which it
// keeps in memory (SegmentCount of them) and drops as it goes.
type Stream struct {
	cfg Config
	src livesrc.Reader

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	chDone chan struct{}

	mu       sync.Mutex
	mux      *gohlslib.Muxer // set once, when the first media arrives
	content  bool            // the muxer has its first segment
	state    *state          // the playlists as viewers get them
	chChange chan struct{}   // closed and replaced on every change
	ended    bool
	endedAt  time.Time
	closed   bool
}

// Start begins muxing what src reads. The Stream owns src and closes it.
func Start(src livesrc.Reader, cfg Config) *Stream {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Stream{cfg: cfg.withDefaults(), src: src, ctx: ctx, cancel: cancel,
		chDone: make(chan struct{}), chChange: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(s.chDone)
		s.run()
	}()
	return s
}

// run reads packets until the stream ends or the Stream is closed.
func (s *Stream) run() {
	defer s.src.Close()
	f := &feeder{s: s}
	for {
		p, err := s.src.Read(s.ctx)
		if errors.Is(err, livesrc.ErrEnded) {
			s.cfg.Log.Debug("HLS: the stream ended")
			s.refresh()
			s.setEnded()
			return
		}
		if err != nil {
			return // closed
		}
		f.write(p)
	}
}

// setEnded marks the end: playlists get EXT-X-ENDLIST and no request waits.
func (s *Stream) setEnded() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended, s.endedAt = true, time.Now()
	s.broadcastLocked()
}

func (s *Stream) broadcastLocked() {
	close(s.chChange)
	s.chChange = make(chan struct{})
}

// Ended reports whether the stream ended, and when.
func (s *Stream) Ended() (bool, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended, s.endedAt
}

// Close stops muxing, frees the segments and waits for the Stream's
// goroutines. Requests being served end with an error. Safe to call twice.
func (s *Stream) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return
	}
	s.closed = true
	s.ended = true
	if s.endedAt.IsZero() {
		s.endedAt = time.Now()
	}
	s.broadcastLocked()
	mux := s.mux
	s.mu.Unlock()
	s.cancel()
	<-s.chDone // the feeder no longer writes to mux
	if mux != nil {
		mux.Close() // also releases the content watcher
	}
	s.wg.Wait()
}
