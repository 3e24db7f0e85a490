package rtmp

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them when it
// applies, so callers can sort failures with errors.Is.
var (
	// ErrProtocol marks a peer that broke the RTMP chunk-stream rules.
	ErrProtocol = errors.New("rtmp: protocol violation")
	// ErrLimit marks input that exceeded one of the configured Limits.
	ErrLimit = errors.New("rtmp: limit exceeded")
	// ErrMalformed marks AMF0, FLV, AVC or AAC data that does not parse.
	ErrMalformed = errors.New("rtmp: malformed data")
	// ErrUnsupported marks well-formed data this package does not handle
	// (AMF3, codecs other than H.264 and AAC, …).
	ErrUnsupported = errors.New("rtmp: unsupported")
	// ErrPublishRejected marks a server that refused connect or publish:
	// retrying at once with the same app and key will not help.
	ErrPublishRejected = errors.New("rtmp: publish rejected")
	// ErrTLSCertificate marks a server certificate that failed verification.
	ErrTLSCertificate = errors.New("rtmp: TLS certificate rejected")
	// ErrPublisherClosed is returned by Publisher methods after Close.
	ErrPublisherClosed = errors.New("rtmp: publisher closed")
)
