package app

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/forward"
	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/app/record"
	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/internal/cpu"
	"github.com/seed7c1a73c4/onair/internal/rate"
)

// StudioConfig is what a Studio is built from.
type StudioConfig struct {
	// Settings persist the studio's choices (Fyne preferences, or a FileKV).
	Settings KV
	// Keys keeps stream keys and server keys; KeysWhere says where, for the UI.
	Keys      store.SecretStore
	KeysWhere string
	// Secrets collects every key in use so that no log shows one.
	Secrets *store.Secrets
	Log     *slog.Logger
	// ServerListen overrides the local server's listen address (tests use
	// 127.0.0.1:0); "" takes the saved settings.
	ServerListen string
	// CAFile adds PEM roots for rtmps:// destinations.
	CAFile string
	// PreviewWidth and PreviewHeight size the program preview (default 640x360).
	PreviewWidth, PreviewHeight int
}

// Studio is the studio core behind the window: the always-running program
// (capture → encode → hub), the destinations while live, the built-in
// server, the incoming-stream previews and the saved settings.
//
// Every command returns at once. Slow work (opening devices, restarting the
// encoder, binding the server, connecting) runs in order on the studio's
// worker goroutine, and its result shows in the next Snapshot.
type Studio struct {
	cfg     StudioConfig
	log     *slog.Logger
	clock   *capture.Clock
	preview *program.FrameMailbox
	ops     *opQueue
	chQuit  chan struct{}
	done    chan struct{}
	cpu     cpu.Meter

	mu        sync.Mutex
	settings  Settings
	prog      *program.Program
	progFeed  *programFeed // the program on the local server, as live/program
	lastTaken time.Time    // when something last consumed the program (steerEncoding)
	server    *LocalServer
	serverErr string
	// serverInUse: the server could not start because its port is taken;
	// serverFreePort is a port found free near it then (0: none).
	serverInUse    bool
	serverFreePort int
	serverKey      map[string]string // server key ID → key
	watchKey       string            // the play key of the watch link, in LAN mode
	live           *liveSession
	watchers       map[*incomingWatcher]struct{}
	lastErr        string
	devices        []capture.Device
	fps            *rate.Meter       // frames encoded (from the program's counter)
	fpsCount       uint64            // the counter at the last sample
	rec            *record.Recording // the program recording, while it runs
	recErr         string            // why the last recording stopped by itself
	lastRec        record.Stats
	forwards       map[string]*forward.Forward // incoming stream → its restream
	upload         dest.UploadBudget
	closed         bool
}

// liveSession is one Go Live … Stop.
type liveSession struct {
	since   time.Time
	runners []*dest.Runner
}

// NewStudio loads the settings and keys; Start opens the program.
func NewStudio(cfg StudioConfig) (*Studio, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Secrets == nil {
		cfg.Secrets = &store.Secrets{}
	}
	if cfg.Settings == nil || cfg.Keys == nil {
		return nil, errors.New("the studio needs a settings store and a key store")
	}
	if cfg.PreviewWidth <= 0 || cfg.PreviewHeight <= 0 {
		cfg.PreviewWidth, cfg.PreviewHeight = 640, 360
	}
	s := &Studio{
		cfg: cfg, log: cfg.Log, clock: capture.NewClock(),
		preview:   program.NewFrameMailbox(cfg.PreviewWidth, cfg.PreviewHeight),
		ops:       newOpQueue(),
		fps:       newFPSMeter(),
		chQuit:    make(chan struct{}),
		done:      make(chan struct{}),
		serverKey: map[string]string{},
		watchers:  map[*incomingWatcher]struct{}{},
	}
	st, err := LoadSettings(cfg.Settings, cfg.Keys)
	if err != nil {
		s.lastErr = store.Sentence(err)
		s.log.Warn("settings", "err", err)
	}
	s.settings = st
	for _, d := range st.Destinations {
		cfg.Secrets.Add(d.Key)
	}
	for _, id := range st.Server.KeyIDs {
		k, err := cfg.Keys.Get(id)
		if err != nil {
			s.log.Warn("a local-server key could not be read", "id", id, "err", err)
			continue
		}
		cfg.Secrets.Add(k)
		s.serverKey[id] = k
	}
	return s, nil
}

// Start lists devices, opens the program and the local server (if it is on
// in the settings) and starts the worker. It returns once the program runs
// or has fallen back to the test sources.
func (s *Studio) Start() error {
	go s.work()
	errc := make(chan error, 1)
	s.do(func() {
		devs, err := capture.ListDevices(s.log)
		if err != nil {
			s.log.Warn("listing devices", "err", err)
		}
		s.mu.Lock()
		s.devices = devs
		on := s.settings.Server.On
		s.mu.Unlock()
		err = s.restartProgram()
		if on {
			s.startServer()
		}
		errc <- err
	})
	return <-errc
}

// work runs the queued commands in order until Close, then the ones still
// queued: a command given before Close (saving a destination, say) is never
// dropped. Close stops whatever they started.
func (s *Studio) work() {
	defer close(s.done)
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.ops.notify:
			s.runQueued()
		case <-t.C:
			s.watchProgram()
		case <-s.chQuit:
			for range 8 { // a command may queue another; bounded all the same
				if !s.runQueued() {
					return
				}
			}
			return
		}
	}
}

// runQueued runs what is queued, then the save if one was asked for; it
// reports whether there was anything.
func (s *Studio) runQueued() bool {
	ops, save := s.ops.take()
	for _, op := range ops {
		op()
	}
	if save {
		s.save()
	}
	return len(ops) > 0 || save
}

// do queues op for the worker; it never blocks the caller and never drops
// op.
func (s *Studio) do(op func()) { s.ops.push(op) }

// saveLater asks the worker to save the settings once the commands queued
// before have run; requests made meanwhile are one save.
func (s *Studio) saveLater() { s.ops.requestSave() }

func (s *Studio) setErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.lastErr = ""
		return
	}
	s.lastErr = store.Sentence(err)
}

// Close stops everything the studio runs and waits for it.
func (s *Studio) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.chQuit)
	<-s.done
	s.stopLive()
	s.stopRecording()
	s.mu.Lock()
	ws := make([]*incomingWatcher, 0, len(s.watchers))
	for w := range s.watchers {
		ws = append(ws, w)
	}
	s.mu.Unlock()
	for _, w := range ws {
		w.stop()
	}
	s.stopProgram()
	s.stopServer()
	return nil
}

// Preview is the program preview mailbox.
func (s *Studio) Preview() *program.FrameMailbox { return s.preview }

// save persists the settings; a failure is shown, not fatal.
func (s *Studio) save() {
	s.mu.Lock()
	st := s.settings
	st.Destinations = append([]dest.Destination(nil), st.Destinations...)
	s.mu.Unlock()
	if err := SaveSettings(s.cfg.Settings, s.cfg.Keys, st); err != nil {
		s.setErr(fmt.Errorf("saving the settings: %w", err))
	}
}

// UseKeyStore moves the keys to another store (after the user agreed to a
// key file, say) and saves them there.
func (s *Studio) UseKeyStore(store store.SecretStore, where string) {
	s.do(func() {
		s.mu.Lock()
		s.cfg.Keys, s.cfg.KeysWhere = store, where
		for id, k := range s.serverKey {
			_ = store.Set(id, k)
		}
		s.mu.Unlock()
		s.save()
	})
}

// KeysWhere says where stream keys are kept, one sentence for the UI.
func (s *Studio) KeysWhere() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.KeysWhere
}
