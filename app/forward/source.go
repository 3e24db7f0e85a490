package forward

import (
	"context"
	"fmt"
	"time"

	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
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
			f.forgetGOP()
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
// queue into the forward's hub until the publisher leaves or ctx ends,
// through a transcoder of its own when the forward re-encodes. It returns
// how many media packets it moved. It never blocks on a destination: the
// hub only enqueues.
func (f *Forward) session(ctx context.Context, q media.Reader) (moved int) {
	f.clock.newSession()
	var tc *encode.Transcoder
	defer func() {
		if tc != nil {
			f.endTranscode(tc)
		}
	}()
	var lastMeta *media.Packet // the source's onMetaData, for a transcode that starts later
	failures := 0
	for {
		p, err := q.Pop(ctx) // ends with ErrQueueClosed or ctx's error
		if err != nil {
			if tc != nil && ctx.Err() == nil {
				// The source left: what the encoder still holds (its
				// lookahead, about half a second) goes out too.
				if err := tc.Flush(func(v media.Packet) { moved += f.pass(v, moved) }); err != nil {
					f.log.Warn("transcode: flushing at the end of the session", "err", err)
				}
			}
			return moved
		}
		out := p
		f.clock.place(&out)
		if tc == nil && out.Kind == media.KindVideo {
			if tc = f.newTranscoder(out.Codec); tc != nil && lastMeta != nil {
				f.pass(f.transcodedMetadata(*lastMeta), moved)
			}
		}
		if out.Kind == media.KindData {
			cp := out
			lastMeta = &cp
		}
		switch {
		case tc != nil && out.Kind == media.KindVideo:
			err := tc.Video(out, func(v media.Packet) { moved += f.pass(v, moved) })
			if err != nil {
				if failures++; failures == 1 || failures%100 == 0 {
					f.log.Warn("transcode", "err", err, "failures", failures)
				}
			}
		case tc != nil && out.Kind == media.KindData:
			f.pass(f.transcodedMetadata(out), moved)
		default:
			moved += f.pass(out, moved)
		}
	}
}

// pass (source goroutine) writes one packet to the hub, noting headers and
// metadata; the session's first media packet starts the destinations. It
// returns 1 for a media packet.
func (f *Forward) pass(out media.Packet, moved int) int {
	switch {
	case out.Kind == media.KindData:
		if m, err := flv.ParseMetadata(out.Data, amf0.Limits{}); err == nil {
			f.meta = &m
		}
	case out.Header && out.Kind == media.KindVideo:
		cp := out
		f.vHeader = &cp
	case out.Header && out.Kind == media.KindAudio:
		f.aHeader = true
	}
	f.hub.Write(out)
	f.packets.Add(1)
	f.bytes.Add(uint64(len(out.Data)))
	if out.Header || out.Kind == media.KindData {
		return 0
	}
	if moved == 0 {
		f.mu.Lock()
		f.live = true
		f.sessions++
		f.mu.Unlock()
		f.log.Info("source live; forwarding")
		f.startRunners()
	}
	return 1
}

// forgetGOP (source goroutine) empties the hub's GOP cache once the source
// has left, by handing on its video sequence header again (a repeated
// header changes nothing for a decoder). A destination that reconnects
// while the source is away then waits for the next session's keyframe
// instead of replaying the last GOP.
func (f *Forward) forgetGOP() {
	if f.vHeader == nil {
		return
	}
	h := *f.vHeader
	f.clock.place(&h)
	f.hub.Write(h)
}
