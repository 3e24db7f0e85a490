package app

import "time"

// BroadcastStats is a snapshot of a running broadcast.
type BroadcastStats struct {
	Elapsed       time.Duration // media time encoded so far
	Running       time.Duration // wall time since the broadcast started
	FramesEncoded uint64
	FramesDropped uint64 // captured frames that did not fit the frame grid
	FramesMissed  uint64 // output frames with no captured frame
	VideoBytes    uint64
	AudioBytes    uint64
	Destinations  []DestinationStats
}

// Stats returns a snapshot. It is safe to call from any goroutine.
func (b *Broadcast) Stats() BroadcastStats {
	c := &b.prog.stats
	s := BroadcastStats{
		Elapsed:       time.Duration(c.lastPTS.Load()) * time.Millisecond,
		Running:       time.Since(b.started),
		FramesEncoded: c.framesEncoded.Load(),
		FramesDropped: c.framesDropped.Load(),
		FramesMissed:  c.framesMissed.Load(),
		VideoBytes:    c.videoBytes.Load(),
		AudioBytes:    c.audioBytes.Load(),
	}
	for _, d := range b.dests {
		s.Destinations = append(s.Destinations, d.stats())
	}
	return s
}
