package server

import (
	"log/slog"
	"time"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// DefaultAddr is where the built-in server listens unless told
// otherwise: this computer only.
const DefaultAddr = "127.0.0.1:1935"

// Config configures a Server. Zero fields take the defaults of
// DefaultConfig, which follow SRS and nginx-rtmp.
type Config struct {
	// Addr is the TCP address to listen on (default 127.0.0.1:1935).
	Addr string
	// Limits bounds what one peer may send.
	Limits chunk.Limits
	// HandshakeTimeout bounds the whole RTMP handshake (default 10 s).
	HandshakeTimeout time.Duration
	// IdleTimeout is how long a connection may go without a stream: connect,
	// publish or play must come within it of connecting, and a new publish
	// or play within it of the last stream's end (default 20 s).
	IdleTimeout time.Duration
	// MediaTimeout is how long a publisher may go without sending media
	// once it has sent some (default 10 s).
	MediaTimeout time.Duration
	// WriteTimeout bounds every socket write (default 10 s).
	WriteTimeout time.Duration
	// MaxPlayerLag disconnects a player that has not caught up with the
	// live edge for this long (default 10 s).
	MaxPlayerLag time.Duration
	// TunnelIdle closes an RTMPT session that makes no request for this
	// long (default 30 s).
	TunnelIdle time.Duration
	// PlayWaitTimeout is how long a player of a name that is not published
	// yet waits for it (default 30 s).
	PlayWaitTimeout time.Duration
	// ReplaceSilentAfter lets a new publisher take over a live name whose
	// publisher has sent nothing for this long (default 5 s).
	ReplaceSilentAfter time.Duration
	// MaxConns and MaxConnsPerIP bound the connections (defaults 256 and 32).
	MaxConns, MaxConnsPerIP int
	// ChunkSize is the outgoing chunk size (default 4096).
	ChunkSize int
	// SendBuffer is the kernel send buffer of each connection (default
	// 256 KiB). Bounding it keeps a stalled player's backlog in its own
	// queue, where it is seen, skipped and counted, instead of in the
	// kernel, and bounds kernel memory per player.
	SendBuffer int
	// PlayerQueue bounds each player's queue (default 2048 packets, 8 MiB,
	// 3 s of media): past it, the player skips to the next keyframe.
	PlayerQueue media.QueueLimits
	// Auth says who may publish and play.
	Auth AuthConfig
	// Log receives the server's lines; stream keys never appear in them.
	// Nil discards.
	Log *slog.Logger
}

// DefaultConfig returns the defaults used for zero fields.
func DefaultConfig() Config {
	return Config{
		Addr:               DefaultAddr,
		Limits:             chunk.DefaultLimits(),
		HandshakeTimeout:   10 * time.Second,
		IdleTimeout:        20 * time.Second,
		MediaTimeout:       10 * time.Second,
		WriteTimeout:       10 * time.Second,
		MaxPlayerLag:       10 * time.Second,
		PlayWaitTimeout:    30 * time.Second,
		TunnelIdle:         30 * time.Second,
		ReplaceSilentAfter: 5 * time.Second,
		MaxConns:           256,
		MaxConnsPerIP:      32,
		ChunkSize:          4096,
		SendBuffer:         256 << 10,
		PlayerQueue:        media.QueueLimits{MaxPackets: 2048, MaxBytes: 8 << 20, MaxDelay: 3 * time.Second},
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Addr == "" {
		c.Addr = d.Addr
	}
	c.Limits = c.Limits.WithDefaults()
	durs := []struct {
		v   *time.Duration
		def time.Duration
	}{
		{&c.HandshakeTimeout, d.HandshakeTimeout},
		{&c.IdleTimeout, d.IdleTimeout},
		{&c.MediaTimeout, d.MediaTimeout},
		{&c.WriteTimeout, d.WriteTimeout},
		{&c.MaxPlayerLag, d.MaxPlayerLag},
		{&c.PlayWaitTimeout, d.PlayWaitTimeout},
		{&c.TunnelIdle, d.TunnelIdle},
		{&c.ReplaceSilentAfter, d.ReplaceSilentAfter},
	}
	for _, x := range durs {
		if *x.v <= 0 {
			*x.v = x.def
		}
	}
	if c.MaxConns <= 0 {
		c.MaxConns = d.MaxConns
	}
	if c.MaxConnsPerIP <= 0 {
		c.MaxConnsPerIP = d.MaxConnsPerIP
	}
	if c.ChunkSize < chunk.MinChunkSize || c.ChunkSize > chunk.MaxChunkSize {
		c.ChunkSize = d.ChunkSize
	}
	if c.SendBuffer <= 0 {
		c.SendBuffer = d.SendBuffer
	}
	if c.PlayerQueue.MaxPackets <= 0 {
		c.PlayerQueue.MaxPackets = d.PlayerQueue.MaxPackets
	}
	if c.PlayerQueue.MaxBytes <= 0 {
		c.PlayerQueue.MaxBytes = d.PlayerQueue.MaxBytes
	}
	if c.PlayerQueue.MaxDelay <= 0 {
		c.PlayerQueue.MaxDelay = d.PlayerQueue.MaxDelay
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}
