package app

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/forward"
	"github.com/seed7c1a73c4/onair/encode"
)

// ForwardIncoming restreams an incoming stream of the local server (e.g.
// "live/cam") as it arrives to the saved destinations with these IDs,
// whether or not the studio is live. H.264 goes on without re-encoding;
// other video (an HEVC camera) is re-encoded to H.264, which every
// platform takes (autoTranscode). It
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
	f, err := forward.StartOutputs(srv.RTMP, stream, restreamOutputs(dests), forward.Options{CAFile: s.cfg.CAFile}, s.log)
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

// defaultTranscodeBitrate is a re-encode's bitrate when no destination
// states a limit: what Twitch takes, and plenty for 1080p30.
const defaultTranscodeBitrate = 6_000_000

// restreamOutputs splits a restream's destinations by the video codecs
// their platforms ingest: each group takes the camera as it is when it can
// (an HEVC camera to YouTube), and otherwise one re-encode to H.264 for the
// whole group (autoTranscode).
func restreamOutputs(dests []dest.Destination) []forward.Output {
	var outs []forward.Output
	group := map[string]int{} // the codecs taken → index in outs
	for _, d := range dests {
		svc, _ := dest.ServiceByID(d.Service) // unknown: H.264 alone
		key := fmt.Sprint(svc.VideoCodecs)
		i, ok := group[key]
		if !ok {
			i = len(outs)
			group[key] = i
			outs = append(outs, forward.Output{Takes: svc.VideoCodecs})
		}
		outs[i].Dests = append(outs[i].Dests, d)
	}
	for i := range outs {
		outs[i].AutoTranscode = autoTranscode(outs[i].Dests)
	}
	return outs
}

// autoTranscode is how a restream from the window re-encodes a camera that
// its destinations do not take: to H.264 at the lowest video bitrate limit among the
// destinations' platforms (6 Mb/s when none states one), keyframes every
// 2 s, once for all of them.
func autoTranscode(dests []dest.Destination) *encode.TranscodeConfig {
	rate := 0
	for _, d := range dests {
		if svc, ok := dest.ServiceByID(d.Service); ok && svc.MaxVideoBitrate > 0 && (rate == 0 || svc.MaxVideoBitrate < rate) {
			rate = svc.MaxVideoBitrate
		}
	}
	if rate == 0 {
		rate = defaultTranscodeBitrate
	}
	return &encode.TranscodeConfig{Bitrate: rate, KeyInt: 2 * time.Second}
}
