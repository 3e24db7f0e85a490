package h264

import "errors"

// ErrMalformed marks a parameter set, configuration record or access unit
// that does not parse.
var ErrMalformed = errors.New("h264: malformed data")

// ErrLimit marks a parameter set beyond what this package accepts (a
// picture larger than MaxVideoDimension).
var ErrLimit = errors.New("h264: limit exceeded")
