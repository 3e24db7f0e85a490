package watch

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
)

// pictureW×pictureH is the size the decoder prepares its scaler for first (a
// tile's); sinks may ask for any other.
const pictureW, pictureH = 320, 180

// stream is one watched stream: a decoding goroutine and its sinks.
type stream struct {
	name   string
	log    *slog.Logger
	leave  func() // ends the server subscription
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex // held while the sinks are called
	sinks []Sink
	ended bool
}

func newStream(name string, log *slog.Logger, leave func()) *stream {
	ctx, cancel := context.WithCancel(context.Background())
	return &stream{name: name, log: log, leave: leave, ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// add adds a sink unless the stream has ended.
func (st *stream) add(s Sink) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ended {
		return false
	}
	st.sinks = append(st.sinks, s)
	return true
}

// remove takes s out and reports whether it was the last.
func (st *stream) remove(s Sink) (last bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sinks = slices.DeleteFunc(st.sinks, func(x Sink) bool { return x == s })
	return len(st.sinks) == 0
}

func (st *stream) sinkCount() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.sinks)
}

// stop ends the decoding and waits for it; more than once is fine.
func (st *stream) stop() {
	st.cancel()
	st.leave()
	<-st.done
}

// run decodes q until it ends or stop; then the sinks left get Ended and
// gone drops the stream from its hub.
func (st *stream) run(q media.Reader, gone func()) {
	defer close(st.done)
	vdec := encode.NewVideoDecoder(pictureW, pictureH, st.log)
	defer vdec.Close()
	adec := encode.NewAudioDecoder(st.log)
	defer adec.Close()
	errs := 0
	for {
		p, err := q.Pop(st.ctx)
		if err != nil {
			break
		}
		switch p.Kind {
		case media.KindVideo:
			got, err := vdec.Decode(p)
			if err != nil {
				if errs++; errs == 1 || errs%100 == 0 {
					st.log.Debug("decoding a watched stream", "err", err, "errors", errs)
				}
				continue
			}
			if got {
				st.each(func(s Sink) { s.Picture(vdec) })
			}
		case media.KindAudio:
			_ = adec.Decode(p, func(f capture.AudioFrame) {
				st.each(func(s Sink) { s.Sound(f) })
			})
		}
	}
	st.mu.Lock()
	st.ended = true
	for _, s := range st.sinks {
		s.Ended()
	}
	st.mu.Unlock()
	gone()
}

// each calls f for every sink, under st.mu.
func (st *stream) each(f func(Sink)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, s := range st.sinks {
		f(s)
	}
}
