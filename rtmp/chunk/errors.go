package chunk

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them when it
// applies, so callers can sort failures with errors.Is.
var (
	// ErrProtocol marks a peer that broke the RTMP chunk-stream rules.
	ErrProtocol = errors.New("rtmp: protocol violation")
	// ErrLimit marks input that exceeded one of the configured Limits.
	ErrLimit = errors.New("rtmp: limit exceeded")
	// ErrMalformed marks a message or command that does not parse.
	ErrMalformed = errors.New("rtmp: malformed data")
	// ErrUnsupported marks well-formed data this package does not handle
	// (AMF3 values, …).
	ErrUnsupported = errors.New("rtmp: unsupported")
)
