package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp"
)

// DestinationConfig is one place the program is sent to.
type DestinationConfig struct {
	Name string
	URL  string // rtmp[s]://host[:port]/app[/key] — the key may be inside
	Key  string // stream key, when the URL is the server only
}

// destination pumps the hub to one RTMP server. It owns its publisher and
// its queue; the encoder never waits for it.
type destination struct {
	name   string
	target rtmp.Target
	opts   rtmp.PublisherOptions
	log    *slog.Logger

	mu      sync.Mutex
	state   OutputState
	lastErr error
	pub     *rtmp.Publisher
	queue   *rtmp.Queue
	since   time.Time
	sent    uint64 // bytes sent by publishers that are gone
}

func newDestination(cfg DestinationConfig, opts rtmp.PublisherOptions, log *slog.Logger) (*destination, error) {
	t, err := rtmp.ParseTarget(cfg.URL, cfg.Key)
	if err != nil {
		return nil, err
	}
	name := cfg.Name
	if name == "" {
		name = t.Redacted()
	}
	return &destination{name: name, target: t, opts: opts, state: StateIdle,
		log: log.With("destination", name)}, nil
}

func (d *destination) setState(s OutputState, err error) {
	d.mu.Lock()
	d.state, d.lastErr = s, err
	d.since = time.Now()
	d.mu.Unlock()
}

// connect dials and publishes; it does not send media yet.
func (d *destination) connect(ctx context.Context) error {
	d.setState(StateConnecting, nil)
	pub, err := rtmp.Dial(ctx, d.target, d.opts)
	if err != nil {
		err = fmt.Errorf("%s: %w", d.name, err)
		d.setState(StateError, err)
		return err
	}
	d.mu.Lock()
	d.pub = pub
	d.mu.Unlock()
	d.log.Info("connected")
	return nil
}

// run sends metadata and then every packet from the hub until ctx ends, the
// hub closes or the connection fails.
func (d *destination) run(ctx context.Context, hub *rtmp.Hub, meta rtmp.Metadata, lim rtmp.QueueLimits) error {
	d.mu.Lock()
	pub := d.pub
	d.mu.Unlock()
	if pub == nil {
		return errors.New("not connected")
	}
	q := hub.Subscribe(lim)
	d.mu.Lock()
	d.queue = q
	d.mu.Unlock()
	defer hub.Unsubscribe(q)
	d.setState(StateLive, nil)
	err := d.pump(ctx, pub, q, meta)
	closeErr := pub.Close()
	d.mu.Lock()
	d.sent += pub.BytesSent()
	d.pub = nil
	d.mu.Unlock()
	if err == nil || errors.Is(err, rtmp.ErrQueueClosed) || errors.Is(err, context.Canceled) {
		d.setState(StateStopped, nil)
		return closeErr
	}
	err = fmt.Errorf("%s: %w", d.name, err)
	d.setState(StateError, err)
	return err
}

func (d *destination) pump(ctx context.Context, pub *rtmp.Publisher, q *rtmp.Queue, meta rtmp.Metadata) error {
	if err := pub.WriteMetadata(meta); err != nil {
		return err
	}
	for {
		p, err := q.Pop(ctx)
		if err != nil {
			return err
		}
		if p.Kind == rtmp.KindData {
			continue // the program's metadata is sent above
		}
		if err := pub.WritePacket(&p); err != nil {
			return err
		}
	}
}

// DestinationStats is a snapshot of one destination.
type DestinationStats struct {
	Name      string
	URL       string // redacted
	State     OutputState
	Since     time.Time
	LastError string
	BytesSent uint64
	Dropped   uint64
	Queued    int
}

func (d *destination) stats() DestinationStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := DestinationStats{Name: d.name, URL: d.target.Redacted(), State: d.state, Since: d.since, BytesSent: d.sent}
	if d.lastErr != nil {
		s.LastError = d.lastErr.Error()
	}
	if d.pub != nil {
		s.BytesSent += d.pub.BytesSent()
	}
	if d.queue != nil {
		qs := d.queue.Stats()
		s.Dropped, s.Queued = qs.Dropped, qs.Len
	}
	return s
}
