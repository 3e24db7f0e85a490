package dash

import (
	"log/slog"
	"time"
)

// Config tunes a Stream. Zero fields take the defaults.
type Config struct {
	// ChunkDuration is how much media goes into one CMAF chunk (default
	// 200 ms); a viewer gets each chunk as soon as it is made.
	ChunkDuration time.Duration
	// SegmentCount is how many segments each track keeps (default 6). It
	// bounds the memory, with MaxSegmentBytes.
	SegmentCount int
	// MaxSegmentBytes bounds one segment (default 32 MiB): past it, media
	// is dropped until the next keyframe.
	MaxSegmentBytes int
	// AudioSegmentDuration is the segment duration of audio-only streams
	// (default 2 s); with video, segments follow the keyframe interval.
	AudioSegmentDuration time.Duration
	// LatencyTarget is the latency the manifest asks players for
	// (default 1.5 s).
	LatencyTarget time.Duration
	// StartTimeout bounds how long a request waits for the manifest
	// (default 15 s).
	StartTimeout time.Duration
	// Log receives the stream's lines. Nil discards.
	Log *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.ChunkDuration <= 0 {
		c.ChunkDuration = 200 * time.Millisecond
	}
	if c.SegmentCount < 3 {
		c.SegmentCount = 6
	}
	if c.MaxSegmentBytes <= 0 {
		c.MaxSegmentBytes = 32 << 20
	}
	if c.AudioSegmentDuration <= 0 {
		c.AudioSegmentDuration = 2 * time.Second
	}
	if c.LatencyTarget <= 0 {
		c.LatencyTarget = 1500 * time.Millisecond
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = 15 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}
