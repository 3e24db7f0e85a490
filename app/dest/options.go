package dest

import (
	"log/slog"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// How fast a destination that stopped reading is found dead: a packet
// write may block this long, and a server that acknowledged before may go
// this long without acknowledging while data piles up. Together with the
// 10 s connection steps they mark a blackholed ingest failed within 15 s.
const (
	WriteTimeout = 5 * time.Second
	AckTimeout   = 5 * time.Second
)

// PublishOptions are the publisher options of every destination (the
// studio's, the headless broadcast's and the restream's): extra rtmps
// roots, the per-step timeout (0 = the rtmp default) and the dead-peer
// bounds above.
func PublishOptions(caFile string, timeout time.Duration, log *slog.Logger) rtmp.PublisherOptions {
	return rtmp.PublisherOptions{CAFile: caFile, Timeout: timeout, WriteTimeout: WriteTimeout,
		AckTimeout: AckTimeout, Log: log}
}

// QueueFor bounds a destination's queue for the output o: about 5 s of media.
func QueueFor(o program.OutputConfig) media.QueueLimits {
	bytesPerSec := (o.VideoBitrate + o.AudioBitrate) / 8
	return media.QueueLimits{MaxPackets: 8192, MaxBytes: max(4<<20, 5*bytesPerSec)}
}
