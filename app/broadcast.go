package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// BroadcastConfig is everything a headless broadcast needs.
type BroadcastConfig struct {
	Program      ProgramConfig
	Destinations []DestinationConfig
	CAFile       string        // extra PEM roots for rtmps://
	Timeout      time.Duration // per connection step; default 10 s
}

// drainTimeout bounds how long destinations may take to send what is queued
// once the program stops, so that stopping never takes more than about 1 s.
const drainTimeout = 700 * time.Millisecond

// Broadcast encodes the program once and sends it to every destination.
type Broadcast struct {
	log   *slog.Logger
	prog  *Program
	dests []*destination

	cancelDests context.CancelFunc
	destWG      sync.WaitGroup
	chStop      chan struct{}
	stopOnce    sync.Once
	done        chan struct{}
	err         error
	started     time.Time
}

// StartBroadcast validates cfg, opens the sources, connects every
// destination (all must succeed) and then starts encoding, so the first
// packet each server sees is a keyframe at time zero.
func StartBroadcast(ctx context.Context, cfg BroadcastConfig, clock *capture.Clock, log *slog.Logger) (_ *Broadcast, err error) {
	if len(cfg.Destinations) == 0 {
		return nil, errors.New("no destination: add one with --to rtmp://host/app/key")
	}
	if err := cfg.Program.Output.Validate(); err != nil {
		return nil, err
	}
	opts := rtmp.PublisherOptions{CAFile: cfg.CAFile, Timeout: cfg.Timeout, Log: log}
	b := &Broadcast{log: log, chStop: make(chan struct{}), done: make(chan struct{})}
	for _, dc := range cfg.Destinations {
		d, err := newDestination(dc, opts, log)
		if err != nil {
			return nil, err
		}
		b.dests = append(b.dests, d)
	}
	b.prog, err = OpenProgram(cfg.Program, clock, log)
	if err != nil {
		return nil, err
	}
	if err := b.connectAll(ctx); err != nil {
		b.prog.Close()
		return nil, err
	}
	if err := b.prog.Start(); err != nil {
		b.closeDestinations()
		b.prog.Close()
		return nil, err
	}
	b.started = time.Now()
	b.startPumps()
	go b.supervise()
	return b, nil
}

// connectAll dials every destination in parallel and fails if any fails.
func (b *Broadcast) connectAll(ctx context.Context) error {
	errs := make([]error, len(b.dests))
	var wg sync.WaitGroup
	for i, d := range b.dests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = d.connect(ctx)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.closeDestinations()
		return err
	}
	return nil
}

func (b *Broadcast) closeDestinations() {
	for _, d := range b.dests {
		d.mu.Lock()
		if d.pub != nil {
			d.pub.Close()
			d.pub = nil
		}
		d.mu.Unlock()
	}
}

func (b *Broadcast) startPumps() {
	ctx, cancel := context.WithCancel(context.Background())
	b.cancelDests = cancel
	meta := b.prog.Metadata()
	// Room for about 5 s of media per destination before it is skipped forward.
	bytesPerSec := (meta.VideoBitrate + meta.AudioBitrate) / 8
	lim := rtmp.QueueLimits{MaxPackets: 8192, MaxBytes: max(4<<20, 5*bytesPerSec)}
	for _, d := range b.dests {
		b.destWG.Add(1)
		go func() {
			defer b.destWG.Done()
			if err := d.run(ctx, b.prog.Hub(), meta, lim); err != nil {
				b.log.Error("destination failed", "destination", d.name, "err", err)
			}
		}()
	}
}

// supervise ends the broadcast when the program stops, Stop is called, or
// every destination has failed.
func (b *Broadcast) supervise() {
	defer close(b.done)
	allDead := make(chan struct{})
	go func() {
		b.destWG.Wait()
		close(allDead)
	}()
	select {
	case <-b.prog.Done():
	case <-b.chStop:
	case <-allDead:
	}
	b.prog.Close() // flushes the encoders into the hub, then closes the hub
	select {
	case <-allDead:
	case <-time.After(drainTimeout):
		b.log.Warn("destinations did not drain in time; closing them")
	}
	b.cancelDests()
	<-allDead
	var errs []error
	if err := b.prog.Err(); err != nil {
		errs = append(errs, err)
	}
	for _, d := range b.dests {
		if s := d.stats(); s.State == StateError {
			errs = append(errs, d.lastError())
		}
	}
	b.err = errors.Join(errs...)
}

func (d *destination) lastError() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lastErr == nil {
		return fmt.Errorf("%s failed", d.name)
	}
	return d.lastErr
}

// Stop ends the broadcast; Wait returns once everything is closed.
func (b *Broadcast) Stop() { b.stopOnce.Do(func() { close(b.chStop) }) }

// Done is closed when the broadcast has ended.
func (b *Broadcast) Done() <-chan struct{} { return b.done }

// Wait blocks until the broadcast has ended and returns why it failed, if it did.
func (b *Broadcast) Wait() error {
	<-b.done
	return b.err
}
