package program

import (
	"errors"
	"sync"

	"github.com/seed7c1a73c4/onair/capture"
)

// reader is what capture's video and audio sources have in common.
type reader[F any] interface {
	Read() (F, error)
	Close() error
}

// switchable is a source whose device can be replaced while its reader is
// blocked in Read: the old device is closed, its Read returns ErrClosed,
// and Read carries on with the new device. The program's loops therefore
// keep running, and the stream stays up, across a source switch.
type switchable[F any] struct {
	mu     sync.Mutex
	cur    reader[F]
	spec   string
	closed bool
}

func newSwitchable[F any](src reader[F], spec string) *switchable[F] {
	return &switchable[F]{cur: src, spec: spec}
}

// Read returns the next frame of the current device.
func (s *switchable[F]) Read() (F, error) {
	for {
		s.mu.Lock()
		src, closed := s.cur, s.closed
		s.mu.Unlock()
		if closed {
			var zero F
			return zero, capture.ErrClosed
		}
		f, err := src.Read()
		if err == nil || !errors.Is(err, capture.ErrClosed) {
			return f, err
		}
		s.mu.Lock()
		swapped := s.cur != src && !s.closed
		s.mu.Unlock()
		if !swapped {
			return f, err
		}
	}
}

// Swap makes src the device and closes the previous one. After Close it
// closes src instead.
func (s *switchable[F]) Swap(src reader[F], spec string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		src.Close()
		return
	}
	old := s.cur
	s.cur, s.spec = src, spec
	s.mu.Unlock()
	old.Close()
}

// Current returns the current device.
func (s *switchable[F]) Current() reader[F] {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// SetSpec renames the current device (its sources changed in place).
func (s *switchable[F]) SetSpec(spec string) {
	s.mu.Lock()
	s.spec = spec
	s.mu.Unlock()
}

// Spec returns the capture spec of the current device.
func (s *switchable[F]) Spec() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spec
}

// Close closes the current device; Read returns ErrClosed from then on.
func (s *switchable[F]) Close() error {
	s.mu.Lock()
	s.closed = true
	cur := s.cur
	s.mu.Unlock()
	return cur.Close()
}
