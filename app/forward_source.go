package app

import (
	"context"
	"fmt"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp"
)

// forwardRewatchPause spaces out watches of a source whose sessions carry
// no media (a publisher that connects and leaves at once), so the loop
// never spins.
const forwardRewatchPause = 100 * time.Millisecond

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
		media := f.session(ctx, q)
		stop()
		f.mu.Lock()
		f.dropped += q.Stats().Dropped
		f.queue, f.live = nil, false
		f.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		if media > 0 {
			f.log.Info("source left; waiting for it to be published again", "packets", media)
			f.forgetGOP()
		}
		if media == 0 && time.Since(started) < forwardRewatchPause {
			t := time.NewTimer(forwardRewatchPause)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
	}
}

// session (source goroutine) moves one publisher's packets from the watch
// queue into the forward's hub until the publisher leaves or ctx ends. It
// returns how many media packets it moved. It never blocks on a
// destination: the hub only enqueues.
func (f *Forward) session(ctx context.Context, q *rtmp.Queue) (media int) {
	f.clock.newSession()
	for {
		p, err := q.Pop(ctx) // ends with ErrQueueClosed or ctx's error
		if err != nil {
			return media
		}
		// A fresh packet: the server's own chunk cache stays behind.
		out := rtmp.Packet{Kind: p.Kind, Header: p.Header, Key: p.Key, DTS: p.DTS, PTS: p.PTS, Data: p.Data}
		f.clock.place(&out)
		switch {
		case out.Kind == rtmp.KindData:
			if m, err := rtmp.ParseMetadata(out.Data, rtmp.Limits{}.WithDefaults()); err == nil {
				f.meta = &m
			}
		case out.Header && out.Kind == rtmp.KindVideo:
			cp := out
			f.vHeader = &cp
		case out.Header && out.Kind == rtmp.KindAudio:
			f.aHeader = true
		}
		f.hub.Write(out)
		f.packets.Add(1)
		f.bytes.Add(uint64(len(out.Data)))
		if out.Header || out.Kind == rtmp.KindData {
			continue
		}
		if media == 0 {
			f.mu.Lock()
			f.live = true
			f.sessions++
			f.mu.Unlock()
			f.log.Info("source live; forwarding")
			f.startRunners()
		}
		media++
	}
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
