package app

import (
	"context"
	"image"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
)

// Tile sizes and pace for incoming-stream previews.
const (
	TileWidth  = 320
	TileHeight = 180
	tileFPS    = 20
)

// incomingWatcher decodes one incoming stream of the local server for its
// preview tile. It reads through its own bounded queue, like a player, so a
// slow decode only skips the tile forward; it never slows the stream.
type incomingWatcher struct {
	name   string
	box    *program.FrameMailbox
	log    *slog.Logger
	cancel context.CancelFunc
	leave  func()
	done   chan struct{}

	mu  sync.Mutex
	lvl capture.Levels
}

// WatchIncoming starts decoding the incoming stream name ("live/cam") for
// a tile; stop ends it. Without a server it returns an empty mailbox.
func (s *Studio) WatchIncoming(name string) (*program.FrameMailbox, func()) {
	box := program.NewFrameMailbox(TileWidth, TileHeight)
	s.mu.Lock()
	srv := s.server
	s.mu.Unlock()
	if srv == nil {
		return box, func() {}
	}
	q, leave, err := srv.RTMP.Watch(name, media.QueueLimits{MaxPackets: 1024, MaxBytes: 8 << 20, MaxDelay: time.Second})
	if err != nil {
		return box, func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &incomingWatcher{name: name, box: box, log: s.log.With("tile", name), cancel: cancel, leave: leave, done: make(chan struct{})}
	s.mu.Lock()
	s.watchers[w] = struct{}{}
	s.mu.Unlock()
	go w.run(ctx, q)
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

func (w *incomingWatcher) stop() {
	w.cancel()
	w.leave()
	<-w.done
}

func (w *incomingWatcher) run(ctx context.Context, q media.Reader) {
	defer close(w.done)
	vdec := encode.NewVideoDecoder(TileWidth, TileHeight, w.log)
	defer vdec.Close()
	adec := newTileAudio(w.log)
	defer adec.close()
	pic := image.NewRGBA(image.Rect(0, 0, TileWidth, TileHeight))
	var pace tilePacer
	errs := 0
	for {
		p, err := q.Pop(ctx)
		if err != nil {
			return
		}
		switch p.Kind {
		case media.KindVideo:
			got, err := vdec.Decode(p)
			if err != nil {
				if errs++; errs == 1 || errs%100 == 0 {
					w.log.Debug("tile decode", "err", err, "errors", errs)
				}
				continue
			}
			if got && pace.due(time.Now()) {
				if err := vdec.Picture(pic); err == nil {
					w.box.Put(pic)
				}
			}
		case media.KindAudio:
			if lv, ok := adec.decode(p); ok {
				w.mu.Lock()
				w.lvl.Peak = append(w.lvl.Peak[:0], lv.Peak...)
				w.lvl.RMS = append(w.lvl.RMS[:0], lv.RMS...)
				w.lvl.Clipped = lv.Clipped
				w.mu.Unlock()
			}
		}
	}
}

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

// tileAudio decodes a tile's AAC and meters it.
type tileAudio struct {
	dec *encode.AudioDecoder
	lvl capture.Levels
	got bool
}

func newTileAudio(log *slog.Logger) *tileAudio { return &tileAudio{dec: encode.NewAudioDecoder(log)} }

// decode meters p; ok reports that levels were measured.
func (t *tileAudio) decode(p media.Packet) (capture.Levels, bool) {
	t.got = false
	if err := t.dec.Decode(p, func(f capture.AudioFrame) {
		capture.MeasureLevels(f, &t.lvl)
		t.got = true
	}); err != nil {
		return t.lvl, false
	}
	return t.lvl, t.got
}

func (t *tileAudio) close() { t.dec.Close() }
