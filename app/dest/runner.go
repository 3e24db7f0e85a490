package dest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/internal/rate"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// Reconnect backoff: 1 s, 2 s, 4 s … capped, with ±20 % jitter.
const (
	backoffFirst = time.Second
	backoffMax   = 30 * time.Second
	// stableAfter is how long a connection must stay up before a failure
	// starts the backoff from the beginning again.
	stableAfter = 30 * time.Second
)

// Runner keeps one destination live for as long as the studio is: it
// connects, pumps the program hub through its own bounded queue, and after a
// failure reconnects with exponential backoff. The encoder never waits for
// it. Timestamps are rebased once, so the destination sees a stream that
// starts at 0 and stays monotonic across reconnects.
type Runner struct {
	id, name, service string
	target            rtmp.Target
	opts              rtmp.PublisherOptions
	log               *slog.Logger
	hub               *media.PacketHub // the runner goroutine's (set before it starts, or by it from the gate)
	meta              media.Metadata
	lim               media.QueueLimits

	gate    *Gate // nil, or holds the first failure until the owner decided
	gateIdx int

	chNow  chan struct{} // "reconnect now"
	cancel context.CancelFunc
	done   chan struct{}

	mu         sync.Mutex
	state      State
	lastErr    error
	retryAt    time.Time
	reconnects int
	reached    bool // live at least once
	pub        *rtmp.Publisher
	queue      *media.PacketQueue
	sent       uint64 // bytes of publishers that are gone
	dropped    uint64 // drops of queues that are gone
	base       int64  // DTS subtracted from every packet; set by the first keyframe
	hasBase    bool
	lastDTS    [4]int64    // by media.Kind
	rate       *rate.Meter // bytes sent, over the last 2 s
}

// errProgramStopped ends a runner: the hub it reads from was closed.
var errProgramStopped = errors.New("the program stopped")

// Start starts a runner for d reading hub; Stop ends it.
func Start(d Destination, hub *media.PacketHub, meta media.Metadata, lim media.QueueLimits, opts rtmp.PublisherOptions, log *slog.Logger) (*Runner, error) {
	return StartGated(d, hub, meta, lim, opts, log, nil, 0)
}

// StartGated is Start whose first connection attempt is
// reported to gate (slot idx) and then waits for gate's decision: a failure
// before it is logged and retried, a success before it reads the hub. The
// decision brings the hub and metadata (the program may start only once a
// destination is live); the runner's goroutine sets its own fields from
// it, so nothing writes them after that goroutine started.
func StartGated(d Destination, hub *media.PacketHub, meta media.Metadata, lim media.QueueLimits, opts rtmp.PublisherOptions,
	log *slog.Logger, gate *Gate, idx int) (*Runner, error) {
	t, err := rtmp.ParseTarget(d.Server, d.Key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{
		id: d.ID, name: d.Name, service: d.Service, target: t, opts: opts, hub: hub, meta: meta, lim: lim,
		log: log.With("destination", d.Name), chNow: make(chan struct{}, 1), cancel: cancel,
		done: make(chan struct{}), state: StateConnecting, gate: gate, gateIdx: idx,
		rate: rate.New(250*time.Millisecond, 8),
	}
	go r.run(ctx)
	return r, nil
}

func (r *Runner) run(ctx context.Context) {
	defer close(r.done)
	backoff := backoffFirst
	for attempt := 0; ctx.Err() == nil; attempt++ {
		up := time.Now()
		err := r.session(ctx, attempt == 0)
		if ctx.Err() != nil || errors.Is(err, errProgramStopped) {
			break
		}
		if attempt == 0 && r.gate != nil {
			if r.hub, r.meta = r.gate.proceed(ctx); r.hub == nil {
				r.mu.Lock()
				r.lastErr = err // the broadcast did not start; its error says why
				r.mu.Unlock()
				break
			}
		}
		if time.Since(up) > stableAfter {
			backoff = backoffFirst
		}
		wait := jitter(backoff)
		state := StateReconnecting
		if errors.Is(err, rtmp.ErrPublishRejected) || errors.Is(err, rtmp.ErrTLSCertificate) {
			// Retrying at once will not help, but the user may fix it on the
			// platform's side: keep trying, at the slowest pace.
			state, wait = StateError, jitter(backoffMax)
		}
		r.mu.Lock()
		r.state, r.lastErr, r.retryAt = state, err, time.Now().Add(wait)
		reached := r.reached
		r.mu.Unlock()
		if reached {
			r.log.Warn("destination lost; reconnecting", "err", err, "in", wait.Round(100*time.Millisecond))
		} else {
			r.log.Warn("could not connect to the destination; retrying", "err", err, "in", wait.Round(100*time.Millisecond),
				"attempt", attempt+1)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-r.chNow:
		}
		t.Stop()
		backoff = min(backoff*2, backoffMax)
		r.mu.Lock()
		r.reconnects++
		r.mu.Unlock()
	}
	r.mu.Lock()
	r.state, r.retryAt = StateStopped, time.Time{}
	r.mu.Unlock()
}

// session connects once and pumps until the connection or ctx ends. The
// outcome of the first dial goes to the gate, if there is one.
func (r *Runner) session(ctx context.Context, first bool) error {
	r.mu.Lock()
	if r.state != StateError {
		r.state = StateConnecting
	}
	r.mu.Unlock()
	select {
	case <-r.chNow: // this attempt is the one asked for
	default:
	}
	pub, err := rtmp.Dial(ctx, r.target, r.opts)
	if first && r.gate != nil {
		r.gate.report(r.gateIdx, err)
		if err == nil {
			if r.hub, r.meta = r.gate.proceed(ctx); r.hub == nil { // this goroutine's own fields from here on
				pub.Close()
				return errors.New("the broadcast did not start")
			}
		}
	}
	if err != nil {
		return err
	}
	q := r.hub.Subscribe(r.lim)
	r.mu.Lock()
	r.pub, r.queue, r.state, r.lastErr, r.retryAt, r.reached = pub, q, StateLive, nil, time.Time{}, true
	r.mu.Unlock()
	r.log.Info("live")
	err = r.pump(ctx, pub, q)
	r.hub.Unsubscribe(q)
	pub.Close()
	r.mu.Lock()
	r.sent += pub.BytesSent()
	r.dropped += q.Stats().Dropped
	r.pub, r.queue = nil, nil
	r.mu.Unlock()
	if err == nil || errors.Is(err, media.ErrQueueClosed) {
		err = errProgramStopped
	}
	return err
}

func (r *Runner) pump(ctx context.Context, pub *rtmp.Publisher, q *media.PacketQueue) error {
	if err := pub.WriteMetadata(r.meta); err != nil {
		return err
	}
	for {
		p, err := q.Pop(ctx)
		if err != nil {
			return err
		}
		if p.Kind == media.KindData {
			continue // the program's metadata is sent above
		}
		r.rebase(&p)
		if err := pub.WritePacket(&p); err != nil {
			return err
		}
		r.mu.Lock()
		r.rate.Add(uint64(len(p.Data)), time.Now())
		r.mu.Unlock()
	}
}

// rebase shifts timestamps so the first keyframe this destination ever
// sends is at 0, and never lets a kind's DTS go backwards across
// reconnects. Each kind is kept increasing on its own: the program may
// send a late kind behind the other (see program's interleaver), and
// clamping it onto the other kind's clock would stack its frames on one
// timestamp.
func (r *Runner) rebase(p *media.Packet) {
	latest := max(r.lastDTS[media.KindVideo], r.lastDTS[media.KindAudio], 0)
	if p.Header {
		p.DTS, p.PTS = latest, latest
		return
	}
	if !r.hasBase {
		r.base, r.hasBase = p.DTS, true
	}
	k := int(p.Kind) % len(r.lastDTS)
	cts := p.PTS - p.DTS
	p.DTS = max(p.DTS-r.base, r.lastDTS[k])
	p.PTS = p.DTS + max(cts, 0)
	r.lastDTS[k] = p.DTS
}

// ReconnectNow ends a reconnecting destination's wait; a live one ignores it.
func (r *Runner) ReconnectNow() {
	r.mu.Lock()
	live := r.state == StateLive
	r.mu.Unlock()
	if live {
		return
	}
	select {
	case r.chNow <- struct{}{}:
	default:
	}
}

// Stop ends the destination and waits for it (bounded by the publisher's
// own write deadline).
func (r *Runner) Stop() {
	r.cancel()
	r.mu.Lock()
	if r.pub != nil {
		r.pub.Close() // unblocks a write in progress
	}
	r.mu.Unlock()
	<-r.done
}

// Current returns where the runner is now.
func (r *Runner) Current() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state
}

// Status is the runner's state, figures and last error at now, for a
// snapshot (the URL redacted).
func (r *Runner) Status(now time.Time) Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Status{ID: r.id, Name: r.name, Service: r.service, URL: r.target.Redacted(), Enabled: true,
		State: r.state, RetryAt: r.retryAt, Reconnects: r.reconnects, Reached: r.reached, BytesSent: r.sent, Dropped: r.dropped,
		Bitrate: 8 * r.rate.PerSecond(now)}
	if r.lastErr != nil {
		s.LastError = store.PlainError(r.lastErr.Error())
	}
	if r.pub != nil {
		s.BytesSent += r.pub.BytesSent()
		if n, ok := r.pub.InFlight(); ok {
			s.QueuedBytes += int(n)
		}
	}
	if r.queue != nil {
		qs := r.queue.Stats()
		s.Dropped += qs.Dropped
		s.QueuedBytes += qs.Bytes
	}
	return s
}

// Outcome returns the runner's state and its last error (nil when none).
func (r *Runner) Outcome() (State, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state, r.lastErr
}

// Pending returns the packets waiting in its queue (0 between
// connections).
func (r *Runner) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.queue == nil {
		return 0
	}
	return r.queue.Stats().Len
}

func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}

// Done is closed once the runner's goroutine has ended.
func (r *Runner) Done() <-chan struct{} { return r.done }

// Name is the destination's name, as the user gave it.
func (r *Runner) Name() string { return r.name }

// StopAll stops every runner at once and waits for them all.
func StopAll(rs []*Runner) {
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Stop()
		}()
	}
	wg.Wait()
}

// ID is the destination's ID.
func (r *Runner) ID() string { return r.id }
