package hls

import (
	"log/slog"
	"time"
)

// Config tunes a Stream. Zero fields take the defaults.
type Config struct {
	// PartDuration is the minimum LL-HLS part duration (default 200 ms).
	PartDuration time.Duration
	// SegmentMinDuration is the minimum segment duration; segments are cut
	// on the first keyframe after it (default 1 s).
	SegmentMinDuration time.Duration
	// SegmentCount is how many segments the playlist keeps (default and
	// minimum for LL-HLS: 7). It bounds the muxer's memory.
	SegmentCount int
	// MaxSegmentBytes bounds one segment (default 32 MiB): past it the
	// muxer drops media until the next segment. With SegmentCount, it
	// bounds the memory of a stream.
	MaxSegmentBytes uint64
	// StartTimeout bounds how long a request waits for the first segment
	// (default 15 s).
	StartTimeout time.Duration
	// Log receives the stream's lines. Nil discards.
	Log *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.PartDuration <= 0 {
		c.PartDuration = 200 * time.Millisecond
	}
	if c.SegmentMinDuration <= 0 {
		c.SegmentMinDuration = time.Second
	}
	if c.SegmentCount < 7 {
		c.SegmentCount = 7
	}
	if c.MaxSegmentBytes == 0 {
		c.MaxSegmentBytes = 32 << 20
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 15 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}
