package compose

import (
	"errors"
	"image"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
)

// DefaultHoldFor is how long a layer whose source stalled or ended keeps
// showing its last picture before it hides.
const DefaultHoldFor = 2 * time.Second

// feed reads one live source (camera, screen, test pattern) on its own
// goroutine and keeps its newest frame for the compositor. Layers that show
// the same source, in one scene or in the scenes before and after a switch,
// share one feed, so a camera is never opened twice.
type feed struct {
	key   string
	src   capture.VideoSource
	clock *capture.Clock
	log   *slog.Logger

	mu      sync.Mutex // held by the compositor while it reads frame's pixels
	frame   capture.VideoFrame
	has     bool
	at      time.Duration // clock time frame arrived
	ended   bool
	arrived chan struct{} // closed (and replaced) when a frame arrives

	done chan struct{} // closed when the reading goroutine has returned
}

func startFeed(key string, src capture.VideoSource, clock *capture.Clock, log *slog.Logger) *feed {
	f := &feed{key: key, src: src, clock: clock, log: log, done: make(chan struct{}), arrived: make(chan struct{})}
	go f.run()
	return f
}

// run keeps the newest frame until the source ends or is closed.
func (f *feed) run() {
	defer close(f.done)
	for {
		fr, err := f.src.Read()
		if err != nil {
			if !errors.Is(err, capture.ErrClosed) {
				f.log.Warn("a scene layer's source stopped; its last picture stays for a while", "source", f.key, "err", err)
			}
			f.mu.Lock()
			f.ended = true
			close(f.arrived)
			f.arrived = make(chan struct{})
			f.mu.Unlock()
			return
		}
		f.mu.Lock()
		old := f.frame
		f.frame, f.has, f.at = fr, true, f.clock.Now()
		close(f.arrived)
		f.arrived = make(chan struct{})
		f.mu.Unlock()
		old.Release()
	}
}

// waitDue waits, until the clock reaches deadline at the latest, for a
// frame the source owes by time at: one whose capture time, a frame
// period after the newest one's, is at or before at. So a source on the
// same grid as the scene (the test pattern, a clip) is shown in the frame
// of its own time even when its goroutine ran a little late, and a camera's
// frame that is due is not missed by a hair.
func (f *feed) waitDue(at, period, deadline time.Duration) {
	for {
		f.mu.Lock()
		due := f.has && !f.ended && f.frame.Time+period <= at
		arrived := f.arrived
		f.mu.Unlock()
		wait := deadline - f.clock.Now()
		if !due || wait <= 0 {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-arrived:
			t.Stop()
		case <-t.C:
			return
		}
	}
}

// picture returns the newest frame's image, or nil when there is none or
// it is older than hold. The caller holds f.mu while it uses the image.
func (f *feed) picture(now, hold time.Duration) image.Image {
	if !f.has || now-f.at > hold {
		return nil
	}
	return f.frame.Image
}

// close stops the source, waits for the reading goroutine and releases the
// frame it kept.
func (f *feed) close() {
	f.src.Close()
	<-f.done
	f.mu.Lock()
	f.frame.Release()
	f.has = false
	f.mu.Unlock()
}
