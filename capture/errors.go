package capture

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by Read after Close.
var ErrClosed = errors.New("capture: source closed")

// ErrNoDevice is wrapped by every error that names a device this machine
// does not have. Callers may fall back to the test pattern or test tone.
var ErrNoDevice = errors.New("capture: no such device")

// noDeviceError says in one sentence which device is missing.
type noDeviceError struct {
	kind DeviceKind
	id   string // empty: none of that kind at all
}

func (e *noDeviceError) Error() string {
	if e.id == "" {
		return fmt.Sprintf("no %s found; run \"onair devices\" to list them", e.kind)
	}
	return fmt.Sprintf("no %s %q; run \"onair devices\" to list them", e.kind, e.id)
}

func (e *noDeviceError) Unwrap() error { return ErrNoDevice }
