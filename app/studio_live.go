package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/store"
)

// GoLive sends the program to every enabled destination. With none
// enabled, the program goes live on the local server only (live/program),
// which is turned on for it if it was off.
func (s *Studio) GoLive() {
	s.do(func() {
		s.mu.Lock()
		if s.live != nil {
			s.mu.Unlock()
			return
		}
		var dests []dest.Destination
		for _, d := range s.settings.Destinations {
			if d.Enabled {
				dests = append(dests, d)
			}
		}
		serverOn := s.server != nil
		s.mu.Unlock()
		if len(dests) == 0 && !serverOn {
			s.startServer()
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.prog == nil {
			s.lastErr = "the program is not running, so there is nothing to send"
			return
		}
		if len(dests) == 0 && s.server == nil {
			return // the snapshot says why (nowhereToGoLocked) until it is fixed
		}
		ls := &liveSession{since: time.Now()}
		var errs []error
		for _, d := range dests {
			r, err := s.startRunner(d)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			ls.runners = append(ls.runners, r)
		}
		if len(errs) > 0 && len(ls.runners) == 0 && len(dests) > 0 {
			s.lastErr = store.Sentence(errors.Join(errs...))
			for _, r := range ls.runners {
				r.Stop()
			}
			return
		}
		s.live = ls
		s.prog.SetEncoding(true) // at once: the first frame is a keyframe
		s.lastErr = ""
		if len(errs) > 0 {
			s.lastErr = store.Sentence(errors.Join(errs...))
		}
		s.log.Info("live", "destinations", len(ls.runners))
	})
}

// startRunner (s.mu held) starts one destination on the current program.
func (s *Studio) startRunner(d dest.Destination) (*dest.Runner, error) {
	s.cfg.Secrets.Add(d.Key)
	opts := dest.PublishOptions(s.cfg.CAFile, 0, s.log)
	return dest.Start(d, s.prog.Hub(), s.prog.Metadata(), dest.QueueFor(s.settings.Output), opts, s.log)
}

// Stop ends every destination; the program keeps running for the preview
// and the local server.
func (s *Studio) Stop() { s.do(s.stopLive) }

func (s *Studio) stopLive() {
	s.mu.Lock()
	ls := s.live
	s.live = nil
	s.mu.Unlock()
	if ls == nil {
		return
	}
	dest.StopAll(ls.runners)
	s.log.Info("stopped", "after", time.Since(ls.since).Round(time.Second))
}

// relinkLive (worker) moves a live session onto a new program after the
// program was restarted: each destination reconnects with the new stream.
func (s *Studio) relinkLive() {
	s.mu.Lock()
	ls := s.live
	s.mu.Unlock()
	if ls == nil {
		return
	}
	dest.StopAll(ls.runners)
	s.mu.Lock()
	defer s.mu.Unlock()
	ls.runners = ls.runners[:0]
	if s.prog == nil {
		return
	}
	for _, d := range s.settings.Destinations {
		if !d.Enabled {
			continue
		}
		if r, err := s.startRunner(d); err == nil {
			ls.runners = append(ls.runners, r)
		}
	}
}

// ReconnectNow skips a reconnecting destination's wait.
func (s *Studio) ReconnectNow(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.live == nil {
		return
	}
	for _, r := range s.live.runners {
		if r.ID() == id {
			r.ReconnectNow()
		}
	}
}

// Destinations returns the saved destinations, keys included.
func (s *Studio) Destinations() []dest.Destination {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]dest.Destination(nil), s.settings.Destinations...)
}

// SaveDestination adds (empty ID) or updates a destination after validating it.
func (s *Studio) SaveDestination(d dest.Destination) error {
	if err := d.Validate(); err != nil {
		return err
	}
	s.cfg.Secrets.Add(d.Key)
	s.mu.Lock()
	if d.ID == "" {
		d.ID = dest.NewID()
		s.settings.Destinations = append(s.settings.Destinations, d)
	} else {
		found := false
		for i := range s.settings.Destinations {
			if s.settings.Destinations[i].ID == d.ID {
				s.settings.Destinations[i], found = d, true
			}
		}
		if !found {
			s.mu.Unlock()
			return fmt.Errorf("the destination %q no longer exists", d.Name)
		}
	}
	s.mu.Unlock()
	s.saveLater()
	return nil
}

// RemoveDestination deletes a destination and its stored key.
func (s *Studio) RemoveDestination(id string) {
	s.mu.Lock()
	ds := s.settings.Destinations[:0:0]
	for _, d := range s.settings.Destinations {
		if d.ID != id {
			ds = append(ds, d)
		}
	}
	s.settings.Destinations = ds
	s.mu.Unlock()
	s.saveLater()
}

// SetDestinationEnabled turns a destination on or off for the next Go Live.
func (s *Studio) SetDestinationEnabled(id string, on bool) {
	s.mu.Lock()
	for i := range s.settings.Destinations {
		if s.settings.Destinations[i].ID == id {
			s.settings.Destinations[i].Enabled = on
		}
	}
	s.mu.Unlock()
	s.saveLater()
}

// Services lists the platform presets.
func (s *Studio) Services() []dest.Service { return dest.Services() }
