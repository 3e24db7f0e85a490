package dash

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/livesrc"
)

// Stream is the DASH output of one live stream. One goroutine reads the
// stream and builds the segments; viewers share them.
type Stream struct {
	cfg Config
	src livesrc.Reader

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	video    *track
	audio    *track
	segDur   time.Duration // nominal segment duration; 0 until known
	ast      time.Time     // availabilityStartTime: wall time of media time 0
	endMS    int64         // media time of the end, once ended
	chChange chan struct{} // closed and replaced on every new chunk
	ended    bool
	endedAt  time.Time
	closed   bool
}

// Start begins segmenting what src reads. The Stream owns src.
func Start(src livesrc.Reader, cfg Config) *Stream {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Stream{cfg: cfg.withDefaults(), src: src, ctx: ctx, cancel: cancel, chChange: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.run()
	}()
	return s
}

func (s *Stream) run() {
	defer s.src.Close()
	f := &feeder{s: s}
	for {
		p, err := s.src.Read(s.ctx)
		if err != nil {
			if errors.Is(err, livesrc.ErrEnded) {
				s.cfg.Log.Debug("DASH: the stream ended")
				f.end()
			}
			return
		}
		f.write(p)
	}
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

// Close stops segmenting and waits for the Stream's goroutine; requests
// being served end. Safe to call twice.
func (s *Stream) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed, s.ended = true, true
		if s.endedAt.IsZero() {
			s.endedAt = time.Now()
		}
		s.broadcastLocked()
	}
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}
