package dest

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// Config is one place the program is sent to.
type Config struct {
	Name string
	URL  string // rtmp[s]://host[:port]/app[/key] — the key may be inside
	Key  string // stream key, when the URL is the server only
}

// Destination turns the i-th --to into what a Runner runs, named by its
// redacted URL when it has no name. It fails on a malformed URL.
func (c Config) Destination(i int) (Destination, error) {
	t, err := rtmp.ParseTarget(c.URL, c.Key)
	if err != nil {
		return Destination{}, err
	}
	name := c.Name
	if name == "" {
		name = t.Redacted()
	}
	return Destination{ID: "dest-" + strconv.Itoa(i+1), Name: name, Service: "custom", Server: c.URL, Key: c.Key, Enabled: true}, nil
}

// permanentAtStart reports whether a first connection failure means the
// destination cannot work as given (rejected key, bad certificate, a host
// name that does not exist), as opposed to a server that is down for now.
func permanentAtStart(err error) bool {
	var dnsErr *net.DNSError
	return errors.Is(err, rtmp.ErrPublishRejected) || errors.Is(err, rtmp.ErrTLSCertificate) ||
		(errors.As(err, &dnsErr) && dnsErr.IsNotFound)
}

// Gate collects the first connection attempt of every destination of a
// broadcast. It settles once one destination is live or all have tried;
// until the owner decides, a runner whose first attempt failed neither logs
// nor retries, so a broadcast that cannot start at all fails quietly with
// one error.
type Gate struct {
	mu       sync.Mutex
	errs     []error // first failure of each destination
	reported []bool
	left     int
	live     bool

	chSettled chan struct{}
	chDecided chan struct{}
	// Set once by decide, before chDecided closes; read after it.
	hub  *media.PacketHub // nil: abort
	meta media.Metadata
}

// NewGate returns a gate for n destinations.
func NewGate(n int) *Gate {
	return &Gate{errs: make([]error, n), reported: make([]bool, n), left: n,
		chSettled: make(chan struct{}), chDecided: make(chan struct{})}
}

// report records destination i's first attempt (nil: it is live).
func (g *Gate) report(i int, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.reported[i] {
		return
	}
	wasSettled := g.live || g.left == 0
	g.reported[i], g.errs[i] = true, err
	g.left--
	if err == nil {
		g.live = true
	}
	if !wasSettled && (g.live || g.left == 0) {
		close(g.chSettled)
	}
}

// Failures returns the first failures when no destination is live (nil
// otherwise), and whether every one of them is permanent.
func (g *Gate) Failures() (errs []error, permanent bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live || g.left > 0 {
		return nil, false
	}
	permanent = true
	for _, err := range g.errs {
		permanent = permanent && permanentAtStart(err)
	}
	return append([]error(nil), g.errs...), permanent
}

// AnyLive reports whether a destination's first attempt went live.
func (g *Gate) AnyLive() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.live
}

// Decide releases the runners waiting in proceed, handing them the
// program's hub and metadata (a nil hub: abort); call it once.
func (g *Gate) Decide(hub *media.PacketHub, meta media.Metadata) {
	g.hub, g.meta = hub, meta
	close(g.chDecided)
}

// proceed waits for the owner's decision and returns the hub to read and
// its metadata, or nil when the start was aborted.
func (g *Gate) proceed(ctx context.Context) (*media.PacketHub, media.Metadata) {
	select {
	case <-g.chDecided:
		return g.hub, g.meta
	case <-ctx.Done():
		return nil, media.Metadata{}
	}
}

// Settled is closed once one destination is live or every one has tried.
func (g *Gate) Settled() <-chan struct{} { return g.chSettled }
