package amf0

import "errors"

// Limits bounds what a peer's AMF0 may cost to decode. The zero value of a
// field means its default; see DefaultLimits.
type Limits struct {
	// MaxDepth bounds the nesting of objects and arrays (default 64).
	MaxDepth int
	// MaxElements bounds the elements of one object or array, and the
	// values of one message (default 4096).
	MaxElements int
	// MaxString bounds short strings and object keys (default 64 KiB).
	// Long strings are bounded by the input.
	MaxString int
}

// DefaultLimits returns the limits used when a field is zero. They follow
// what SRS and nginx-rtmp accept from real encoders.
func DefaultLimits() Limits {
	return Limits{MaxDepth: 64, MaxElements: 4096, MaxString: 64 << 10}
}

// WithDefaults returns l with every zero or negative field replaced by its
// default.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = d.MaxElements
	}
	if l.MaxString <= 0 {
		l.MaxString = d.MaxString
	}
	return l
}

// Sentinel errors; the decoder's errors wrap one of them.
var (
	// ErrMalformed marks bytes that are not AMF0.
	ErrMalformed = errors.New("amf0: malformed data")
	// ErrLimit marks AMF0 beyond the Limits.
	ErrLimit = errors.New("amf0: limit exceeded")
	// ErrUnsupported marks well-formed values this package does not decode
	// (AMF3, references, movie clips, record sets).
	ErrUnsupported = errors.New("amf0: unsupported")
)
