package rtmp

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them when it
// applies, so callers can sort failures with errors.Is.
var (
	// ErrPublishRejected marks a server that refused connect or publish:
	// retrying at once with the same app and key will not help.
	ErrPublishRejected = errors.New("rtmp: publish rejected")
	// ErrTLSCertificate marks a server certificate that failed verification.
	ErrTLSCertificate = errors.New("rtmp: TLS certificate rejected")
	// ErrPublisherClosed is returned by Publisher methods after Close.
	ErrPublisherClosed = errors.New("rtmp: publisher closed")
)
