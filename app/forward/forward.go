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
	// Transcode, when set, re-encodes the video of Start's one output to
	// H.264 with these settings (decoded once, encoded once for every
	// destination); audio goes on as it is. Nil sends the stream on as it
	// is. StartOutputs sets it per Output instead.
	Transcode *encode.TranscodeConfig
	// AutoTranscode, when set, re-encodes only video that is not H.264 (an
	// HEVC, AV1 or VP9 camera) for the outputs without a Transcode of their
	// own, whose destinations take H.264; H.264 goes on as it is.
	AutoTranscode *encode.TranscodeConfig
}

// Output is one stream a forward makes of its source, for some of its
// destinations: the source as it is, or its video re-encoded.
type Output struct {
	Dests []dest.Destination
	// Transcode re-encodes the video to H.264 with these settings; nil
	// sends it on as it is, unless the destinations cannot take its codec.
	Transcode *encode.TranscodeConfig
	// Takes lists the video codecs the destinations take as they are
	// besides H.264 (HEVC and AV1 for YouTube over Enhanced RTMP).
	Takes []media.Codec
	// AutoTranscode re-encodes video the destinations do not take;
	// Options.AutoTranscode when nil.
	AutoTranscode *encode.TranscodeConfig
}

// Forward restreams one incoming stream of the local server to one or more
// destinations, in one or more outputs: as it arrives, or with its video
// re-encoded to H.264. It reads the source through one watch queue and
// decodes it once, however many outputs re-encode it; each output has a
// hub of its own and, when it re-encodes, an encoder goroutine of its own,
// so a slow encoder delays no other output. Each destination has a runner
// with its own bounded queue, reconnects with backoff and starts at a
// keyframe with the sequence headers. The source may leave and come back
// (a camera reconnecting): the destinations stay connected and the next
// session follows on the same timeline.
type Forward struct {
	source string
	srv    *server.Server
	opts   Options
	log    *slog.Logger
	outs   []*output

	cancel   context.CancelFunc
	done     chan struct{}
	stopOnce sync.Once

	// Owned by the source goroutine.
	clock    clock
	failures int // the session's decoding failures
	pictures picturePool

	// decoders counts the sessions' picture decoders (one per session
	// that re-encodes, whatever the number of outputs).
	decoders atomic.Int32

	mu       sync.Mutex
	live     bool
	sessions int
	queue    media.Reader // the current watch queue
	dropped  uint64       // by watch queues that are gone
	endErr   error        // why the source loop ended early
	dec      *encode.PictureDecoder
	srcCodec media.Codec // the current session's video codec
	decCPU   cpuRate     // of dec
}

// Start starts forwarding the local stream source ("live/cam", or "cam"
// for the app live) to dests, in one output (Options.Transcode). It
// returns at once: the destinations are connected when the source goes
// live, and forwarding goes on until Stop, across the source leaving and
// coming back. Errors name the destination by its redacted URL, never by
// its key.
func Start(srv *server.Server, source string, dests []dest.Destination, opts Options, log *slog.Logger) (*Forward, error) {
	return StartOutputs(srv, source, []Output{{Dests: dests, Transcode: opts.Transcode}}, opts, log)
}

// StartOutputs is Start with several outputs of one source: each
// re-encoding output has an encoder of its own, and the source is read
// and decoded once for all of them.
func StartOutputs(srv *server.Server, source string, outs []Output, opts Options, log *slog.Logger) (*Forward, error) {
	if srv == nil {
		return nil, errors.New("forwarding needs the local server to be on")
	}
	src, err := SourceName(source)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, o := range outs {
		n += len(o.Dests)
		for _, d := range o.Dests {
			if _, err := rtmp.ParseTarget(d.Server, d.Key); err != nil {
				return nil, dest.ScrubKey(fmt.Errorf("forward of %s to %s: %w", src, d.Name, err), d.Key)
			}
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("forward of %s: no destination given", src)
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
	f := &Forward{source: src, srv: srv, opts: opts, log: log.With("forward", src), cancel: cancel, done: make(chan struct{})}
	for _, o := range outs {
		if len(o.Dests) > 0 {
			f.outs = append(f.outs, newOutput(f, o))
		}
	}
	go f.run(ctx)
	f.log.Info("forward waiting for its source", "destinations", n, "outputs", len(f.outs))
	return f, nil
}

// Source returns the local stream name being forwarded ("app/name").
func (f *Forward) Source() string { return f.source }

// ReconnectNow ends the backoff wait of every destination that is
// reconnecting.
func (f *Forward) ReconnectNow() {
	for _, o := range f.outs {
		for _, r := range o.runnersNow() {
			r.ReconnectNow()
		}
	}
}

// Stop ends the forward and waits for its goroutines: the source reader
// and the encoders, then every destination (bounded by the publishers'
// write deadline). It is safe to call more than once.
func (f *Forward) Stop() {
	f.stopOnce.Do(func() {
		f.cancel()
		<-f.done
		var wg sync.WaitGroup
		for _, o := range f.outs {
			for _, r := range o.runnersNow() {
				wg.Go(r.Stop)
			}
		}
		wg.Wait()
		for _, o := range f.outs {
			o.hub.Close()
		}
		f.log.Info("forward stopped")
	})
}
