package app

import (
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
)

// BroadcastStats is a snapshot of a running broadcast.
type BroadcastStats struct {
	Elapsed       time.Duration // media time encoded so far
	Running       time.Duration // wall time since the broadcast started
	FramesEncoded uint64
	FramesDropped uint64 // captured frames that did not fit the frame grid
	FramesMissed  uint64 // output frames with no captured frame
	VideoBytes    uint64
	AudioBytes    uint64
	// Destinations holds, in --to order, each destination's state, bitrate,
	// bytes sent, dropped packets, reconnect count and last error
	// (redacted). Once the broadcast has ended, State is the state each
	// destination was in when the program ended.
	Destinations []dest.Status
}

// Stats returns a snapshot. It is safe to call from any goroutine.
func (b *Broadcast) Stats() BroadcastStats {
	c := b.prog.Counters()
	now := time.Now()
	s := BroadcastStats{
		Elapsed:       c.LastPTS,
		Running:       now.Sub(b.started),
		FramesEncoded: c.FramesEncoded,
		FramesDropped: c.FramesDropped,
		FramesMissed:  c.FramesMissed,
		VideoBytes:    c.VideoBytes,
		AudioBytes:    c.AudioBytes,
	}
	b.mu.Lock()
	end := b.endStates
	b.mu.Unlock()
	for i, r := range b.runners {
		ds := r.Status(now)
		if i < len(end) {
			ds.State = end[i]
		}
		s.Destinations = append(s.Destinations, ds)
	}
	return s
}
