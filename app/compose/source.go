// Package compose draws scenes: it opens each layer's source, keeps the
// newest picture of every live one, and composes them with
// encode.Compositor at the output's size and rate, on the capture clock
// the audio also runs on. A Source is a capture.VideoSource, so the
// program encodes a scene the way it encodes a camera, and switching
// scenes never restarts the encoder.
package compose

import (
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/mixer"
	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
)

// Config is the canvas a Source draws on and how it opens live sources.
type Config struct {
	Width, Height, FPS int
	Clock              *capture.Clock
	Log                *slog.Logger
	// OpenVideo opens cameras, screens and the test pattern; nil is
	// capture.OpenVideo.
	OpenVideo func(spec string, c capture.VideoConstraints, clock *capture.Clock, log *slog.Logger) (capture.VideoSource, error)
	// Mix, when set, takes the audio of stream layers while they are in
	// a scene on air (or fading out).
	Mix *mixer.Mixer
	// Local, when set, tells stream layers which URLs are the studio's
	// own incoming streams: those share the decoder of the stream's tile
	// instead of playing the stream again over RTMP.
	Local LocalStreams
	// HoldFor is how long a layer whose source stalled or ended keeps its
	// last picture before it hides; 0 is DefaultHoldFor.
	HoldFor time.Duration
}

// Source composes a scene into frames at the canvas size and rate. Read is
// called from one goroutine; SetScene, Scene and Close from any.
type Source struct {
	cfg  Config
	log  *slog.Logger
	grid *capture.FrameGrid // Read's
	pool chan *image.YCbCr  // composed pictures handed back by Release

	compMu sync.Mutex         // held by Read while it composes, and by Close
	comp   *encode.Compositor // draws the current scene; nil once closed
	fade   fadeState          // Read's, under compMu

	switchMu sync.Mutex // one SetScene at a time

	mu      sync.Mutex
	cur     *run // drawn by Read
	pending *run // set by SetScene, taken by the next Read
	// pendingFade is how the pending run comes in: 0 is a cut.
	pendingFade time.Duration
	// leaving is the scene fading out under cur; its feeds stay open.
	leaving *run
	feeds   map[string]*feed
	closed  bool

	done    chan struct{}
	closing sync.WaitGroup // feeds being closed in the background
	once    sync.Once
}

// poolSize bounds the composed pictures kept for reuse; a consumer that
// holds more makes the source allocate.
const poolSize = 4

// Open prepares sc on a canvas; frames flow from the first Read.
func Open(sc scene.Scene, cfg Config) (*Source, error) {
	if err := (capture.VideoConstraints{Width: cfg.Width, Height: cfg.Height, FPS: cfg.FPS}).Validate(); err != nil {
		return nil, fmt.Errorf("composing scene %q: %w", sc.Name, err)
	}
	if cfg.Clock == nil {
		return nil, errors.New("composing a scene needs a clock")
	}
	if cfg.HoldFor <= 0 {
		cfg.HoldFor = DefaultHoldFor
	}
	if cfg.OpenVideo == nil {
		cfg.OpenVideo = capture.OpenVideo
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	comp, err := encode.NewCompositor(cfg.Width, cfg.Height, cfg.FPS)
	if err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, log: log, comp: comp, pool: make(chan *image.YCbCr, poolSize),
		feeds: map[string]*feed{}, done: make(chan struct{})}
	r, _, err := s.prepare(sc, s.feeds)
	if err != nil {
		comp.Close()
		return nil, err
	}
	s.cur = r
	comp.SetLayers(r.places())
	s.grid = capture.NewFrameGrid(cfg.Clock, cfg.FPS, s.done).WithDelay(min(composeSlack, time.Second/time.Duration(3*cfg.FPS)))
	log.Info("scene on", "scene", sc.Name, "layers", len(sc.Layers))
	return s, nil
}

// SetScene makes sc the scene from the next frame on: a cut. Sources the
// two scenes share stay open; the others open now (SetScene blocks while
// a camera opens, so call it off the UI goroutine) and close after the cut.
// On an error the current scene stays.
func (s *Source) SetScene(sc scene.Scene) error { return s.Switch(sc, 0) }

// Switch is SetScene with a fade of the given length: the new scene comes
// in over the old one, which keeps moving, from the next frame on. A fade
// of 0 is a cut.
func (s *Source) Switch(sc scene.Scene, fade time.Duration) error {
	if fade < 0 || fade > MaxFade {
		return fmt.Errorf("a fade of %v: it must be between 0 and %v", fade, MaxFade)
	}
	s.switchMu.Lock()
	defer s.switchMu.Unlock()
	// Sources open without s.mu, so that Read never waits for a camera. A
	// cut taken by Read meanwhile may retire a feed the new run reused;
	// then the run is prepared again (a feed is retired at most once per
	// cut, so the second try holds).
	for try := 0; ; try++ {
		s.mu.Lock()
		closed, have := s.closed, make(map[string]*feed, len(s.feeds))
		for k, f := range s.feeds {
			have[k] = f
		}
		s.mu.Unlock()
		if closed {
			return capture.ErrClosed
		}
		r, opened, err := s.prepare(sc, have)
		if err != nil {
			return err
		}
		s.mu.Lock()
		ok := s.install(r, opened, fade)
		s.mu.Unlock()
		if ok {
			s.log.Info("scene switched", "scene", sc.Name)
			return nil
		}
		for _, f := range opened {
			f.close()
		}
		if try == 2 {
			return errors.New("the scene could not be switched: its sources kept closing")
		}
	}
}

// install makes r the pending run unless a feed it reuses was retired (or
// the source closed) since it was prepared. s.mu is held.
func (s *Source) install(r *run, opened []*feed, fade time.Duration) bool {
	isNew := map[*feed]bool{}
	for _, f := range opened {
		isNew[f] = true
	}
	if s.closed {
		return false
	}
	for f := range r.feeds() {
		if !isNew[f] && s.feeds[f.key] != f {
			return false
		}
	}
	for _, f := range opened {
		s.feeds[f.key] = f
	}
	s.pending, s.pendingFade = r, fade
	s.retireUnused()
	return true
}

// Scene returns the scene on air (or about to be, after SetScene).
func (s *Source) Scene() scene.Scene {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending != nil {
		return s.pending.scene
	}
	return s.cur.scene
}

// retireUnused closes, in the background, the feeds that neither the
// current, the pending nor the leaving scene uses. s.mu is held.
func (s *Source) retireUnused() {
	keep := s.cur.feeds()
	for _, r := range []*run{s.pending, s.leaving} {
		for f := range r.feeds() {
			keep[f] = true
		}
	}
	for k, f := range s.feeds {
		if keep[f] {
			continue
		}
		delete(s.feeds, k)
		s.closing.Add(1)
		go func() {
			defer s.closing.Done()
			f.close()
		}()
	}
}

// picture returns a composed-picture buffer, reused when one is free.
func (s *Source) picture() *image.YCbCr {
	select {
	case p := <-s.pool:
		return p
	default:
		return image.NewYCbCr(image.Rect(0, 0, s.cfg.Width, s.cfg.Height), image.YCbCrSubsampleRatio420)
	}
}

// Close stops every source and frees the compositor once Read has
// returned. It is safe to call twice.
func (s *Source) Close() error {
	s.once.Do(func() {
		close(s.done)
		s.mu.Lock()
		s.closed = true
		feeds := s.feeds
		s.feeds = nil
		s.mu.Unlock()
		for _, f := range feeds {
			f.close()
		}
		s.closing.Wait()
		s.compMu.Lock()
		s.comp.Close()
		s.comp = nil
		s.fade.free()
		s.compMu.Unlock()
	})
	return nil
}
