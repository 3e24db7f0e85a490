package forward

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// Options tunes a Forward. The zero value is ready to use.
type Options struct {
	// CAFile is a PEM file of extra trusted CAs for rtmps destinations.
	CAFile string
	// Timeout bounds each step of connecting to a destination (default 10 s).
	Timeout time.Duration
	// Queue bounds each destination's queue (default 8192 packets, 16 MiB).
	Queue media.QueueLimits
	// SourceQueue bounds the queue the forward reads the source through
	// (default 8192 packets, 40 MiB: room for the server's whole GOP cache
	// when the forward joins a live stream). The forward only moves packets
	// on, so it is nearly empty otherwise.
	SourceQueue media.QueueLimits
	// Transcode, when set, re-encodes the video to H.264 with these
	// settings (decoded once, encoded once for every destination of the
	// forward); audio goes on as it is. Nil sends the stream on as it is.
	Transcode *encode.TranscodeConfig
	// AutoTranscode, when set and Transcode is not, re-encodes only video
	// that is not H.264 (an HEVC, AV1 or VP9 camera) for destinations that
	// take H.264; H.264 goes on as it is.
	AutoTranscode *encode.TranscodeConfig
}

// Forward restreams one incoming stream of the local server, as it
// arrives (or with its video re-encoded to H.264, Options.Transcode), to one
// or more destinations. It reads
// the source through its own watch queue and feeds a hub of its own; each
// destination has a runner with its own bounded queue, reconnects with
// backoff and starts at a keyframe with the sequence headers. The source
// may leave and come back (a camera reconnecting): the destinations stay
// connected and the next session follows on the same timeline.
type Forward struct {
	source string
	srv    *server.Server
	dests  []dest.Destination
	opts   Options
	log    *slog.Logger
	hub    *media.PacketHub

	cancel   context.CancelFunc
	done     chan struct{}
	stopOnce sync.Once

	// Owned by the source goroutine.
	clock   clock
	meta    *media.Metadata
	vHeader *media.Packet
	aHeader bool
	active  *encode.TranscodeConfig // of the session's transcoder

	packets, bytes atomic.Uint64

	mu       sync.Mutex
	runners  []*dest.Runner
	live     bool
	sessions int
	queue    media.Reader // the current watch queue
	dropped  uint64       // by watch queues that are gone
	endErr   error        // why the source loop ended early
	// transcoding says what the current session re-encodes ("" for none);
	// tc is its transcoder, whose CPU time Stats turns into cores: cores
	// (negative until measured) over the time since cpuAt, when it had
	// spent cpuPrev.
	transcoding string
	tc          *encode.Transcoder
	cpuAt       time.Time
	cpuPrev     time.Duration
	cores       float64
}

// Start starts forwarding the local stream source ("live/cam", or
// "cam" for the app live) to dests. It returns at once: the destinations
// are connected when the source goes live, and forwarding goes on until
// Stop, across the source leaving and coming back. Errors name the
// destination by its redacted URL, never by its key.
func Start(srv *server.Server, source string, dests []dest.Destination, opts Options, log *slog.Logger) (*Forward, error) {
	if srv == nil {
		return nil, errors.New("forwarding needs the local server to be on")
	}
	src, err := SourceName(source)
	if err != nil {
		return nil, err
	}
	if len(dests) == 0 {
		return nil, fmt.Errorf("forward of %s: no destination given", src)
	}
	for _, d := range dests {
		if _, err := rtmp.ParseTarget(d.Server, d.Key); err != nil {
			return nil, dest.ScrubKey(fmt.Errorf("forward of %s to %s: %w", src, d.Name, err), d.Key)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Queue == (media.QueueLimits{}) {
		opts.Queue = media.QueueLimits{MaxPackets: 8192, MaxBytes: 16 << 20}
	}
	if opts.SourceQueue == (media.QueueLimits{}) {
		opts.SourceQueue = media.QueueLimits{MaxPackets: 8192, MaxBytes: 40 << 20}
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &Forward{
		source: src, srv: srv, dests: append([]dest.Destination(nil), dests...), opts: opts,
		log: log.With("forward", src), hub: media.NewPacketHub(media.HubOptions{GOPCache: true}),
		cancel: cancel, done: make(chan struct{}),
	}
	go f.run(ctx)
	f.log.Info("forward waiting for its source", "destinations", len(dests))
	return f, nil
}

// Source returns the local stream name being forwarded ("app/name").
func (f *Forward) Source() string { return f.source }

// ReconnectNow ends the backoff wait of every destination that is
// reconnecting.
func (f *Forward) ReconnectNow() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.runners {
		r.ReconnectNow()
	}
}

// Stop ends the forward and waits for its goroutines: the source reader,
// then every destination (bounded by the publishers' write deadline). It
// is safe to call more than once.
func (f *Forward) Stop() {
	f.stopOnce.Do(func() {
		f.cancel()
		<-f.done
		f.mu.Lock()
		runners := f.runners
		f.mu.Unlock()
		var wg sync.WaitGroup
		for _, r := range runners {
			wg.Go(r.Stop)
		}
		wg.Wait()
		f.hub.Close()
		f.log.Info("forward stopped")
	})
}

// startRunners (source goroutine) connects the destinations, once, when
// the source first carries media: by then its metadata and sequence
// headers are known, and the hub's GOP cache hands each destination the
// current GOP from its keyframe.
func (f *Forward) startRunners() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.runners) > 0 {
		return
	}
	meta := media.Metadata{HasVideo: f.vHeader != nil, HasAudio: f.aHeader}
	if f.meta != nil {
		meta = *f.meta
	}
	popts := dest.PublishOptions(f.opts.CAFile, f.opts.Timeout, f.log)
	for _, d := range f.dests {
		r, err := dest.Start(d, f.hub, meta, f.opts.Queue, popts, f.log)
		if err != nil { // checked in Start: should not happen
			f.log.Error("destination not started", "destination", d.Name, "err", dest.ScrubKey(err, d.Key))
			continue
		}
		f.runners = append(f.runners, r)
	}
}
