package encode

import "errors"

var (
	// ErrClosed is returned by Encode and Flush after Close.
	ErrClosed = errors.New("encode: encoder is closed")

	// ErrFlushed is returned by Encode after Flush: a flushed encoder has
	// ended its stream and only Close remains.
	ErrFlushed = errors.New("encode: encoder was flushed")

	// ErrInvalidConfig wraps every configuration that a constructor rejects.
	ErrInvalidConfig = errors.New("encode: invalid configuration")

	// ErrEncoderUnavailable wraps the failure to find or open a named
	// encoder (a hardware encoder on a machine without that hardware, or an
	// encoder missing from this FFmpeg build).
	ErrEncoderUnavailable = errors.New("encode: encoder unavailable")

	// ErrUnsupportedInput wraps a frame the encoder cannot take (an unknown
	// sample format, a buffer shorter than it claims, an empty image).
	ErrUnsupportedInput = errors.New("encode: unsupported input")
)

// sentinelError reads as msg and matches both its sentinel and its cause
// with errors.Is, so messages need not start with the sentinel's text.
type sentinelError struct {
	sentinel error
	msg      string
	cause    error
}

func (e *sentinelError) Error() string   { return e.msg + ": " + e.cause.Error() }
func (e *sentinelError) Unwrap() []error { return []error{e.sentinel, e.cause} }
