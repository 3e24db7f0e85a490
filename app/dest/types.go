package dest

import (
	"time"

	"github.com/seed7c1a73c4/onair/media"
)

// Destination is one saved place the studio goes live to, as the user
// edits it. The key is kept apart from the settings (in the OS keyring).
type Destination struct {
	ID      string // stable, generated when the destination is added
	Name    string // e.g. "My YouTube"
	Service string // a Service ID: youtube, youtube-rtmps, twitch, facebook, kick, custom
	Server  string // rtmp[s]://host[:port]/app
	Key     string // stream key; never logged, masked in the UI
	Enabled bool
}

// Service is a streaming platform preset.
type Service struct {
	ID              string
	Name            string
	Server          string        // default ingest URL
	RequiresRTMPS   bool          // the platform refuses plain RTMP
	MaxVideoBitrate int           // bits per second; 0 means no stated limit
	MaxKeyInt       time.Duration // longest keyframe interval the platform accepts; 0 means any
	// VideoCodecs are the video codecs the platform ingests over RTMP
	// (Enhanced RTMP for other than H.264); nil means H.264 alone, which
	// is what a custom server is assumed to take.
	VideoCodecs []media.Codec
	KeyHelp     string // where the user finds the key, one sentence
}

// Warning is one pre-flight finding shown before going live.
type Warning struct {
	Destination string // destination name, or "" for the whole output
	Message     string // one sentence
}

// Status is one destination's live state in a snapshot.
type Status struct {
	ID         string
	Name       string
	Service    string
	URL        string // redacted: the key never appears
	Enabled    bool
	State      State
	LastError  string    // one sentence, when State is error or reconnecting
	RetryAt    time.Time // when reconnecting: the next attempt
	Reconnects int
	// Reached: the destination has been live at least once. A failing
	// destination that never was could not connect; one that was is lost.
	Reached   bool
	Bitrate   float64 // bits per second sent over the last seconds
	BytesSent uint64
	Dropped   uint64
	// QueuedBytes is what waits to reach the destination right now: in its
	// queue, and sent but not acknowledged by the server beyond one ack
	// window. A backlog that stays means its link is too slow.
	QueuedBytes int
}
