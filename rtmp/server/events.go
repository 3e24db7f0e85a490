package server

import "sync/atomic"

// sessionIDs numbers publish sessions across the whole process: each
// stream entry gets the next one when it is made, so a name published
// again has a new Session in its StreamStats.
var sessionIDs atomic.Uint64

// Changed returns a channel that is closed at the next change of what is
// published: a publisher attached (a new session, or one taking over a
// silent publisher) or gone, or the server closed. Take the channel before
// reading Stats and wait on it after: then no change is missed, and nothing
// waits for a slow watcher. A closed server returns a closed channel.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// notifyLocked wakes everyone waiting on Changed (s.mu held).
func (s *Server) notifyLocked() {
	select {
	case <-s.changed: // closed with the server: stays closed
		return
	default:
	}
	close(s.changed)
	if !s.closed {
		s.changed = make(chan struct{})
	}
}
