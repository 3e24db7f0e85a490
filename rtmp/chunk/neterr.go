package chunk

import (
	"errors"
	"syscall"
)

// Mark wraps a sentinel so that it joins an error chain without adding
// text to the message.
func Mark(sentinel error) error { return silent{sentinel} }

type silent struct{ err error }

func (s silent) Error() string { return "" }
func (s silent) Unwrap() error { return s.err }

// IsConnReset reports whether err is the peer resetting or aborting the
// connection, or a write finding it gone (EPIPE: a peer that says goodbye
// and closes at once can leave the answer to its goodbye unwritable).
func IsConnReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}
