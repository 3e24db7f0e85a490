package forward

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
)

// rewatchPause spaces out watches of a source whose sessions carry
// no media (a publisher that connects and leaves at once), so the loop
// never spins.
const rewatchPause = 100 * time.Millisecond

// run (source goroutine) watches the source for as long as the forward
// runs. A watch ends when the source's publisher leaves; the next one
// waits for the name to be published again.
func (f *Forward) run(ctx context.Context) {
	defer close(f.done)
	for ctx.Err() == nil {
		q, stop, err := f.srv.Watch(f.source, f.opts.SourceQueue)
		if err != nil {
			// Watch fails only once the server is closed.
			err = fmt.Errorf("forward of %s ended: the local server stopped: %w", f.source, err)
			f.mu.Lock()
			f.endErr = err
			f.mu.Unlock()
			f.log.Warn("forward ended", "err", err)
			return
		}
		f.mu.Lock()
		f.queue = q
		f.mu.Unlock()
		started := time.Now()
		moved := f.session(ctx, q)
		stop()
		f.mu.Lock()
		f.dropped += q.Stats().Dropped
		f.queue, f.live = nil, false
		f.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		if moved > 0 {
			f.log.Info("source left; waiting for it to be published again", "packets", moved)
			for _, o := range f.outs {
				o.forgetGOP()
			}
		}
		if moved == 0 && time.Since(started) < rewatchPause {
			t := time.NewTimer(rewatchPause)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
	}
}

// session (source goroutine) moves one publisher's packets from the watch
// queue to the outputs until the publisher leaves or ctx ends, decoding
// the video once when some output re-encodes it. It returns how many media
// packets it moved. It never blocks on a destination or an encoder: hubs
// only enqueue, encoders' queues skip what does not fit.
func (f *Forward) session(ctx context.Context, q media.Reader) (moved int) {
	f.clock.newSession()
	for _, o := range f.outs {
		o.moved = 0
	}
	defer f.endSession(ctx)
	var lastMeta *media.Packet // the source's onMetaData, for an encoder that starts later
	decided := false
	for {
		p, err := q.Pop(ctx) // ends with ErrQueueClosed or ctx's error
		if err != nil {
			return moved
		}
		out := p
		f.clock.place(&out)
		if !decided && out.Kind == media.KindVideo {
			decided = true
			f.startEncoders(ctx, out.Codec, lastMeta)
		}
		if out.Kind == media.KindData {
			cp := out
			lastMeta = &cp
		}
		for _, o := range f.outs {
			o.source(out)
		}
		if out.Kind == media.KindVideo && f.dec != nil {
			if err := f.dec.Decode(out, f.toEncoders); err != nil {
				if f.failures++; f.failures == 1 || f.failures%100 == 0 {
					f.log.Warn("transcode: decoding", "err", err, "failures", f.failures)
				}
			}
		}
		if out.Header || out.Kind == media.KindData {
			continue
		}
		if moved++; moved == 1 {
			f.mu.Lock()
			f.live = true
			f.sessions++
			f.mu.Unlock()
			f.log.Info("source live; forwarding")
		}
	}
}

// startEncoders (source goroutine), at a session's first video packet
// (codec c), starts the encoder of every output that re-encodes it, and
// the session's one decoder when there is any.
func (f *Forward) startEncoders(ctx context.Context, c media.Codec, lastMeta *media.Packet) {
	encoders := 0
	for _, o := range f.outs {
		if o.activate(ctx, c, lastMeta) {
			encoders++
		}
	}
	f.mu.Lock()
	f.srcCodec = c
	if encoders > 0 {
		f.dec = encode.NewPictureDecoder(f.log)
		f.decCPU.reset()
		f.decoders.Add(1)
	}
	f.mu.Unlock()
	f.failures = 0
}

// toEncoders (source goroutine) hands one decoded picture to every output
// that re-encodes: one copy, which they only read and the last of them
// gives back.
func (f *Forward) toEncoders(img *image.YCbCr, pts int64) error {
	var sp *sharedPicture
	for _, o := range f.outs {
		if o.items == nil {
			continue
		}
		if sp == nil {
			sp = f.pictures.copyOf(img)
			sp.refs.Add(1) // this loop's own hold: an output skipping it must not free it for the next
			defer sp.release()
		}
		sp.refs.Add(1)
		if !o.picture(sp, pts) {
			sp.release()
		}
	}
	return nil
}

// endSession (source goroutine) ends a session's decoding and encoders:
// when the source left (ctx still going), the pictures the decoder still
// holds are encoded and every encoder flushes.
func (f *Forward) endSession(ctx context.Context) {
	flush := ctx.Err() == nil
	if f.dec != nil && flush {
		if err := f.dec.Drain(f.toEncoders); err != nil {
			f.log.Warn("transcode: draining the decoder at the end of the session", "err", err)
		}
	}
	for _, o := range f.outs {
		o.endSession(ctx, flush)
	}
	f.mu.Lock()
	if f.dec != nil {
		f.dec.Close()
		f.dec = nil
	}
	f.mu.Unlock()
}
