package flv

import (
	"errors"
	"io"
)

// Sentinel errors; this package's errors wrap one of them.
var (
	// ErrMalformed marks a tag or file that does not parse.
	ErrMalformed = errors.New("flv: malformed data")
	// ErrLimit marks a tag beyond the reader's bound.
	ErrLimit = errors.New("flv: limit exceeded")
	// ErrUnsupported marks well-formed data this package does not handle
	// (codecs other than H.264 and AAC, enhanced RTMP, encrypted tags).
	ErrUnsupported = errors.New("flv: unsupported")
	// ErrNotMedia marks a well-formed tag that carries no media packet
	// (end of sequence, empty or info frame, other script data); skip it.
	ErrNotMedia = errors.New("flv: not a media packet")
)

// unexpected turns a bare EOF in the middle of a structure into
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
