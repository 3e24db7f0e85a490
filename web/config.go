package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/seed7c1a73c4/onair/dash"
	"github.com/seed7c1a73c4/onair/hls"
	"github.com/seed7c1a73c4/onair/livesrc"
)

// Config configures a Server.
type Config struct {
	// Source is the set of live streams.
	Source livesrc.Source
	// API serves /api/streams and /metrics (the RTMP server's stats).
	API http.Handler
	// Access says who may watch from other addresses than loopback.
	Access Access
	// HLS and DASH tune the muxers.
	HLS  hls.Config
	DASH dash.Config
	// IdleClose stops a stream's muxer after this long without a request
	// (default 30 s); Linger is how long an ended stream's playlists stay,
	// with EXT-X-ENDLIST, for the players to reach the end (default 30 s).
	IdleClose, Linger time.Duration
	// Log receives the server's lines; no key and no query string ever
	// goes into them. Nil discards.
	Log *slog.Logger
}

// Access is the play policy: the keys that allow watching from another
// computer (play keys and publish keys alike), or Open for anyone.
type Access struct {
	Keys []string
	Open bool
}

func (c Config) withDefaults() Config {
	if c.IdleClose <= 0 {
		c.IdleClose = 30 * time.Second
	}
	if c.Linger <= 0 {
		c.Linger = 30 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.API == nil {
		c.API = http.NotFoundHandler()
	}
	return c
}
