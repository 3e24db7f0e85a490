// Package encode is the studio's only user of libav (FFmpeg 7.1.5, linked
// in statically, through go-astiav v0.39.0 plus a few small cgo helpers
// where go-astiav has no binding or costs an allocation): pixel conversion
// and scaling (swscale), audio resampling and re-framing (swresample and an
// audio FIFO), the H.264 and HEVC encoders (libx264 and libx265, or a
// hardware encoder where the machine has one) and the AAC encoder; the H.264 and HEVC decoders for
// tiles and the H.264 transcoder; the MP4/Matroska recorder; the scene
// compositor (libavfilter's overlay) and the PCM converter a mix uses.
//
// Encoders turn capture frames into media.Packet values: FLV-shaped access
// units with millisecond DTS/PTS and fresh, immutable Data. Every codec
// context has one owner goroutine: Encode and Flush must be called from one
// goroutine at a time, while Close (safe twice) and ForceKeyFrame may be
// called from any goroutine.
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
