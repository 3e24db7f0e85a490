package livesrc

import (
	"context"
	"errors"
)

// Kind says what a Packet carries.
type Kind uint8

const (
	// Video is H.264: an AVCDecoderConfigurationRecord (Header) or one
	// access unit as 4-byte-length-prefixed NAL units (AVCC).
	Video Kind = iota + 1
	// Audio is AAC: an AudioSpecificConfig (Header) or one raw AAC frame.
	Audio
	// Data is script data (onMetaData); muxers ignore it.
	Data
)

// Packet is one unit of a live stream, timestamps in milliseconds. Data is
// shared with other readers and must not be modified.
type Packet struct {
	Kind   Kind
	Header bool // sequence header rather than a coded frame
	Key    bool // video keyframe (IDR)
	DTS    int64
	PTS    int64
	Data   []byte
	// SPS and PPS are the parameter sets of a video Header, parsed.
	SPS, PPS [][]byte
}

// ErrEnded is returned by Reader.Read once the stream's publisher has left
// and every packet before that was read.
var ErrEnded = errors.New("livesrc: the stream ended")

// ErrNotLive is returned by Source.Subscribe for a name nobody publishes.
var ErrNotLive = errors.New("livesrc: no such live stream")

// Reader is one subscriber's bounded queue. The publisher never waits for
// it: a reader that falls behind is skipped forward to the next keyframe.
// It starts with the sequence headers and, when the server has it, the
// current GOP.
type Reader interface {
	// Read returns the next packet, waiting for one until ctx ends. It
	// returns ErrEnded when the stream ended.
	Read(ctx context.Context) (Packet, error)
	// Close leaves the stream; it is safe to call more than once.
	Close()
}

// Source is the set of live streams, by name ("live/cam1").
type Source interface {
	// Live reports whether name has a publisher now.
	Live(name string) bool
	// Subscribe returns a reader of name, or ErrNotLive.
	Subscribe(name string) (Reader, error)
}
