package aac

import "errors"

// ErrMalformed marks an AudioSpecificConfig that does not parse.
var ErrMalformed = errors.New("aac: malformed data")

// ErrUnsupported marks a well-formed configuration this package does not
// handle.
var ErrUnsupported = errors.New("aac: unsupported")
