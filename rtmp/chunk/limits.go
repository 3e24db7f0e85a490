package chunk

import (
	"fmt"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// Chunk-size bounds for SetChunkSize, ours and the peer's.
const (
	// DefaultChunkSize is the chunk size every RTMP connection starts with.
	DefaultChunkSize = 128
	// MinChunkSize is the smallest chunk size accepted from a peer. The
	// spec allows 1, but nothing legitimate uses less than 128 and tiny
	// chunks only multiply the per-chunk cost.
	MinChunkSize = 128
	// MaxChunkSize is the largest chunk size accepted or sent (16 MiB).
	MaxChunkSize = 16 << 20
	// MaxWireMessageSize is what the 24-bit length field can express.
	MaxWireMessageSize = 1<<24 - 1
)

// Limits bounds everything a peer controls on one RTMP connection. The zero
// value of a field means "use the default"; see DefaultLimits.
type Limits struct {
	// MaxMessageSize bounds one reassembled message (default 8 MiB).
	MaxMessageSize int
	// MaxPendingBytes bounds the bytes held by partly received messages
	// across all chunk streams of a connection (default 16 MiB).
	MaxPendingBytes int
	// MaxChunkStreams bounds the distinct chunk stream ids a peer may use
	// (default 32).
	MaxChunkStreams int
	// MaxMessageStreams bounds the message streams (createStream) a peer
	// may open; the server enforces it (default 4).
	MaxMessageStreams int
	// AMF bounds the AMF0 of commands and metadata (amf0.DefaultLimits).
	AMF amf0.Limits
}

// DefaultLimits returns the limits used when a field is zero. They follow
// what SRS and nginx-rtmp accept from real encoders.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageSize:    8 << 20,
		MaxPendingBytes:   16 << 20,
		MaxChunkStreams:   32,
		MaxMessageStreams: 4,
		AMF:               amf0.DefaultLimits(),
	}
}

// WithDefaults returns l with every zero or negative field replaced by its
// default.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	pick := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&l.MaxMessageSize, d.MaxMessageSize)
	pick(&l.MaxPendingBytes, d.MaxPendingBytes)
	pick(&l.MaxChunkStreams, d.MaxChunkStreams)
	pick(&l.MaxMessageStreams, d.MaxMessageStreams)
	l.AMF = l.AMF.WithDefaults()
	if l.MaxMessageSize > MaxWireMessageSize {
		l.MaxMessageSize = MaxWireMessageSize
	}
	return l
}

// checkChunkSize validates a chunk size set by SetChunkSize.
func checkChunkSize(n int64) error {
	switch {
	case n < MinChunkSize:
		return fmt.Errorf("%w: chunk size %d below %d", ErrProtocol, n, MinChunkSize)
	case n > MaxChunkSize:
		return fmt.Errorf("%w: chunk size %d above %d", ErrLimit, n, MaxChunkSize)
	}
	return nil
}
