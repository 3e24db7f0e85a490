package app

import (
	"image"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/watch"

	"github.com/seed7c1a73c4/onair/capture"
)

// Tile sizes and pace for incoming-stream previews.
const (
	TileWidth  = 320
	TileHeight = 180
	tileFPS    = 20
)

// incomingWatcher is a tile's share of an incoming stream's decoder (see
// app/watch): its pictures at the tile's size and pace, and its sound's
// levels for the tile's meter.
type incomingWatcher struct {
	name  string
	box   *program.FrameMailbox
	leave func()

	pic  *image.RGBA // the decoding goroutine's
	pace tilePacer   // the decoding goroutine's

	mu  sync.Mutex
	lvl capture.Levels
}

// WatchIncoming starts showing the incoming stream name ("live/cam") in a
// tile; stop ends it. The stream is decoded once for its tile and for any
// scene layer that shows it. Without a server it returns an empty mailbox.
func (s *Studio) WatchIncoming(name string) (*program.FrameMailbox, func()) {
	box := program.NewFrameMailbox(TileWidth, TileHeight)
	s.mu.Lock()
	srv := s.server
	s.mu.Unlock()
	if srv == nil {
		return box, func() {}
	}
	w := &incomingWatcher{name: name, box: box, pic: image.NewRGBA(image.Rect(0, 0, TileWidth, TileHeight))}
	leave, err := srv.Decoded.Join(name, w)
	if err != nil {
		s.log.Debug("a tile cannot watch its stream", "tile", name, "err", err)
		return box, func() {}
	}
	w.leave = leave
	s.mu.Lock()
	s.watchers[w] = struct{}{}
	s.mu.Unlock()
	var once sync.Once
	return box, func() {
		once.Do(func() {
			w.stop()
			s.mu.Lock()
			delete(s.watchers, w)
			s.mu.Unlock()
		})
	}
}

func (w *incomingWatcher) stop() { w.leave() }

// Picture shows every picture the tile's pace lets through.
func (w *incomingWatcher) Picture(p watch.Picturer) {
	if !w.pace.due(time.Now()) {
		return
	}
	if err := p.Picture(w.pic); err == nil {
		w.box.Put(w.pic)
	}
}

// Sound meters the stream's audio.
func (w *incomingWatcher) Sound(f capture.AudioFrame) {
	w.mu.Lock()
	capture.MeasureLevels(f, &w.lvl)
	w.mu.Unlock()
}

// Ended: the tile goes when the stream leaves the server's list.
func (w *incomingWatcher) Ended() {}

func (w *incomingWatcher) levels() capture.Levels {
	w.mu.Lock()
	defer w.mu.Unlock()
	return capture.Levels{Peak: append([]float64(nil), w.lvl.Peak...), RMS: append([]float64(nil), w.lvl.RMS...), Clipped: w.lvl.Clipped}
}

// tilePacer lets at most tileFPS pictures a second through, on a fixed
// schedule: a 30 fps stream gives 2 pictures of 3 (20 fps), where "at least
// 50 ms since the last" would give every other one (15 fps).
type tilePacer struct{ next time.Time }

// due reports whether a picture decoded now should be shown.
func (p *tilePacer) due(now time.Time) bool {
	const interval = time.Second / tileFPS
	if now.Before(p.next) {
		return false
	}
	p.next = p.next.Add(interval)
	if now.Sub(p.next) > interval { // first picture, or after a gap: start again from now
		p.next = now.Add(interval)
	}
	return true
}
