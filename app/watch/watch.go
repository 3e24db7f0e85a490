// Package watch decodes the local server's incoming streams once for
// everything in the studio that shows or hears them: a stream's tile and
// the scene layers that use it join one decoder, and each takes pictures
// at its own size and pace from it. A stream is read like any player (its
// own bounded queue, skipped forward when the decode falls behind), so a
// slow decode never slows the stream or its other players.
package watch

import (
	"errors"
	"image"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/media"
)

// Server is where the streams come from: rtmp/server.Server's Watch.
type Server interface {
	Watch(key string, lim media.QueueLimits) (media.Reader, func(), error)
}

// Picturer scales the newest decoded picture into dst (any size);
// encode.VideoDecoder is one.
type Picturer interface {
	Picture(dst *image.RGBA) error
}

// A Sink receives a decoded stream. Its methods are called one at a time
// on the stream's decoding goroutine, so they must not block or call the
// leave function Join returned.
type Sink interface {
	// Picture is offered each new picture; a sink that wants it calls
	// p.Picture with a buffer of its size, during the call.
	Picture(p Picturer)
	// Sound is each block of decoded PCM (capture.F32 at the stream's
	// rate and channels), stamped with the stream's own time; its Data
	// is borrowed for the call.
	Sound(f capture.AudioFrame)
	// Ended is called once when the stream ends (its publisher left) or
	// the hub closes, but not after the sink has left.
	Ended()
}

// ErrClosed is returned by Join after Close.
var ErrClosed = errors.New("watch: the hub is closed")

// queueLimits bound a decoder's queue: a decode a second behind skips to
// the next keyframe.
var queueLimits = media.QueueLimits{MaxPackets: 1024, MaxBytes: 8 << 20, MaxDelay: time.Second}

// Hub keeps one decoder per watched stream, started by the first sink to
// join and stopped when the last leaves or the stream ends.
type Hub struct {
	srv Server
	log *slog.Logger

	mu      sync.Mutex
	streams map[string]*stream
	closed  bool
}

// NewHub returns a hub over srv's streams. A nil log discards.
func NewHub(srv Server, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hub{srv: srv, log: log, streams: map[string]*stream{}}
}

// Join adds sink to the stream name ("live/cam"), starting its decoder if
// no one watches it yet; a name not published yet is waited for. leave
// takes the sink out (it may be called more than once); after it returns
// the sink gets no more calls.
func (h *Hub) Join(name string, sink Sink) (leave func(), err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	st := h.streams[name]
	if st == nil || !st.add(sink) { // none, or one that has just ended
		q, stop, err := h.srv.Watch(name, queueLimits)
		if err != nil {
			return nil, err
		}
		st = newStream(name, h.log.With("stream", name), stop)
		st.add(sink)
		h.streams[name] = st
		go st.run(q, func() { h.forget(st) })
	}
	var once sync.Once
	return func() { once.Do(func() { h.leave(st, sink) }) }, nil
}

// leave takes sink off st and stops st's decoder when no one is left.
func (h *Hub) leave(st *stream, sink Sink) {
	h.mu.Lock()
	last := st.remove(sink)
	if last && h.streams[st.name] == st {
		delete(h.streams, st.name)
	}
	h.mu.Unlock()
	if last {
		st.stop() // waits for the decoding goroutine: never under h.mu
	}
}

// forget drops an ended stream from the hub, unless it was replaced.
func (h *Hub) forget(st *stream) {
	h.mu.Lock()
	if h.streams[st.name] == st {
		delete(h.streams, st.name)
	}
	h.mu.Unlock()
}

// Decoding returns, for each stream being decoded, how many sinks share
// its one decoder.
func (h *Hub) Decoding() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.streams))
	for name, st := range h.streams {
		out[name] = st.sinkCount()
	}
	return out
}

// Close stops every decoder; their sinks get Ended. Join fails afterwards.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	all := make([]*stream, 0, len(h.streams))
	for _, st := range h.streams {
		all = append(all, st)
	}
	clear(h.streams)
	h.mu.Unlock()
	for _, st := range all {
		st.stop()
	}
}
