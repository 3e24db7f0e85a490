package app

import (
	"errors"
	"fmt"
	"slices"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/forward"
)

// ForwardIncoming restreams an incoming stream of the local server (e.g.
// "live/cam") as it arrives, without re-encoding, to the saved
// destinations with these IDs, whether or not the studio is live. It
// replaces any forward of that stream. Problems show in the snapshot.
func (s *Studio) ForwardIncoming(stream string, destIDs []string) {
	s.do(func() {
		if src, err := forward.SourceName(stream); err == nil {
			stream = src // "cam" → "live/cam", as snapshots name it
		}
		s.stopForward(stream)
		err := s.startForward(stream, destIDs)
		s.setErr(err)
		if err != nil {
			s.log.Warn("restream not started", "stream", stream, "err", err)
		}
	})
}

// StopForward ends the restream of an incoming stream.
func (s *Studio) StopForward(stream string) {
	s.do(func() {
		if src, err := forward.SourceName(stream); err == nil {
			stream = src
		}
		s.stopForward(stream)
	})
}

// startForward runs on the studio goroutine.
func (s *Studio) startForward(stream string, destIDs []string) error {
	s.mu.Lock()
	srv := s.server
	var dests []dest.Destination
	for _, d := range s.settings.Destinations {
		if slices.Contains(destIDs, d.ID) {
			dests = append(dests, d)
		}
	}
	s.mu.Unlock()
	if srv == nil {
		return errors.New("turn the local server on to send its streams to destinations")
	}
	if len(dests) == 0 {
		return fmt.Errorf("choose at least one destination to send %s to", stream)
	}
	f, err := forward.Start(srv.RTMP, stream, dests, forward.Options{CAFile: s.cfg.CAFile}, s.log)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.forwards == nil {
		s.forwards = map[string]*forward.Forward{}
	}
	s.forwards[stream] = f
	s.mu.Unlock()
	return nil
}

// stopForward ends one forward and waits for it (studio goroutine).
func (s *Studio) stopForward(stream string) {
	s.mu.Lock()
	f := s.forwards[stream]
	delete(s.forwards, stream)
	s.mu.Unlock()
	if f != nil {
		f.Stop()
	}
}

// stopForwards ends every forward (the server is going away).
func (s *Studio) stopForwards() {
	s.mu.Lock()
	fs := s.forwards
	s.forwards = nil
	s.mu.Unlock()
	for _, f := range fs {
		f.Stop()
	}
}
