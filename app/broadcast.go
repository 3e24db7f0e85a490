package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/scene"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/media"
)

// BroadcastConfig is everything a headless broadcast needs.
type BroadcastConfig struct {
	Program      program.Config
	Destinations []dest.Config
	CAFile       string        // extra PEM roots for rtmps://
	Timeout      time.Duration // per connection step; default 10 s
	// WriteTimeout bounds the write of one packet, so that a destination
	// that stops reading is found dead; default 5 s.
	WriteTimeout time.Duration
}

// drainTimeout bounds how long destinations may take to send what is queued
// once the program stops, so that stopping never takes more than about 1 s.
const drainTimeout = 700 * time.Millisecond

// Broadcast encodes the program once and sends it to every destination.
// Each destination has its own queue and reconnects on its own (destRunner),
// so one that fails never holds back the others.
type Broadcast struct {
	log     *slog.Logger
	prog    *program.Program
	runners []*dest.Runner

	chStop   chan struct{}
	stopOnce sync.Once
	done     chan struct{}
	err      error
	started  time.Time
	reached  bool // a destination was live when the broadcast started

	mu        sync.Mutex
	endStates []dest.State // each destination's state when the program ended
}

// StartBroadcast validates cfg, opens the sources, connects every
// destination and starts encoding. It returns once one destination is live
// or every one has tried once. A destination that fails is retried with
// backoff like one lost later; only when every destination failed for a
// reason retrying cannot fix (a rejected key, a bad certificate, an unknown
// host) does StartBroadcast fail, with one line per destination.
func StartBroadcast(ctx context.Context, cfg BroadcastConfig, clock *capture.Clock, log *slog.Logger) (_ *Broadcast, err error) {
	if len(cfg.Destinations) == 0 {
		return nil, errors.New("no destination: add one with --to rtmp://host/app/key")
	}
	if err := cfg.Program.Output.Validate(); err != nil {
		return nil, err
	}
	dests := make([]dest.Destination, len(cfg.Destinations))
	for i, dc := range cfg.Destinations {
		if dests[i], err = dc.Destination(i); err != nil {
			return nil, err
		}
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = dest.WriteTimeout
	}
	opts := dest.PublishOptions(cfg.CAFile, cfg.Timeout, log)
	opts.WriteTimeout = cfg.WriteTimeout
	b := &Broadcast{log: log, chStop: make(chan struct{}), done: make(chan struct{})}
	if b.prog, err = program.Open(cfg.Program, clock, log); err != nil {
		return nil, err
	}
	// Connect first and encode after, so that a broadcast that cannot
	// start costs nothing and the first packet each server sees is a
	// keyframe at time zero.
	gate := dest.NewGate(len(dests))
	lim := dest.QueueFor(cfg.Program.Output)
	for i, d := range dests {
		r, err := dest.StartGated(d, nil, media.Metadata{}, lim, opts, log, gate, i)
		if err != nil { // cannot happen: every URL parsed above
			b.abort(gate)
			return nil, err
		}
		b.runners = append(b.runners, r)
	}
	select {
	case <-gate.Settled():
	case <-ctx.Done():
		b.abort(gate)
		return nil, fmt.Errorf("stopped before any destination was live: %w", context.Cause(ctx))
	}
	if errs, permanent := gate.Failures(); permanent {
		b.abort(gate)
		for i := range errs {
			errs[i] = fmt.Errorf("%s: %w", dests[i].Name, errs[i])
		}
		return nil, errors.Join(errs...)
	}
	if err := b.prog.Start(); err != nil {
		b.abort(gate)
		return nil, err
	}
	b.started, b.reached = time.Now(), gate.AnyLive()
	gate.Decide(b.prog.Hub(), b.prog.Metadata()) // the runners take them from the gate
	go b.supervise()
	return b, nil
}

// abort undoes a start that failed.
func (b *Broadcast) abort(gate *dest.Gate) {
	gate.Decide(nil, media.Metadata{})
	dest.StopAll(b.runners)
	b.prog.Close()
}

// supervise ends the broadcast when the program stops or Stop is called.
func (b *Broadcast) supervise() {
	defer close(b.done)
	select {
	case <-b.prog.Done():
	case <-b.chStop:
	}
	var errs []error
	states := make([]dest.State, len(b.runners))
	for i, r := range b.runners {
		state, err := r.Outcome()
		states[i] = state
		if state != dest.StateLive {
			if err == nil {
				err = fmt.Errorf("still %s", state)
			}
			errs = append(errs, fmt.Errorf("%s was not live when the broadcast ended: %w", r.Name(), err))
		}
	}
	b.mu.Lock()
	b.endStates = states
	b.mu.Unlock()
	b.prog.Close() // flushes the encoders into the hub, then closes the hub
	b.drain()
	dest.StopAll(b.runners)
	if err := b.prog.Err(); err != nil {
		errs = append([]error{err}, errs...)
	}
	b.err = errors.Join(errs...)
}

// drain waits, within drainTimeout, for the live destinations to send what
// is still queued; they end by themselves once the closed hub is empty.
func (b *Broadcast) drain() {
	t := time.NewTimer(drainTimeout)
	defer t.Stop()
	for _, r := range b.runners {
		if r.Current() != dest.StateLive {
			continue
		}
		select {
		case <-r.Done():
		case <-t.C:
			b.log.Warn("destinations did not drain in time; closing them")
			return
		}
	}
}

// ReachedAtStart reports whether a destination was live when the broadcast
// started. When none was, every one is being retried with backoff, for as
// long as the broadcast runs.
func (b *Broadcast) ReachedAtStart() bool { return b.reached }

// ProgramHub returns the fan-out point of the encoded program, for more
// readers (a recorder, say). It is closed when the broadcast ends.
func (b *Broadcast) ProgramHub() *media.PacketHub { return b.prog.Hub() }

// SwitchScene puts sc on air with a cut (fade 0) or a fade; see
// program.Program.SwitchScene.
func (b *Broadcast) SwitchScene(sc scene.Scene, fade time.Duration) error {
	return b.prog.SwitchScene(sc, fade)
}

// ReconnectNow makes every destination that is not live try again at once
// instead of waiting out its backoff.
func (b *Broadcast) ReconnectNow() {
	for _, r := range b.runners {
		r.ReconnectNow()
	}
}

// Stop ends the broadcast; Wait returns once everything is closed.
func (b *Broadcast) Stop() { b.stopOnce.Do(func() { close(b.chStop) }) }

// Done is closed when the broadcast has ended.
func (b *Broadcast) Done() <-chan struct{} { return b.done }

// Wait blocks until the broadcast has ended. It returns why the program
// failed, if it did, and names every destination that was not live at the
// end, with its last error.
func (b *Broadcast) Wait() error {
	<-b.done
	return b.err
}
