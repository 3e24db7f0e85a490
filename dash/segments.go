package dash

import (
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// primary is the track that decides where segments start: video, or
// audio in an audio-only stream.
func (s *Stream) primary() *track {
	if s.video != nil {
		return s.video
	}
	return s.audio
}

// cutTolerance lets a keyframe a little early start the next segment.
func cutTolerance(d time.Duration) int64 { return min(d/4, 200*time.Millisecond).Milliseconds() }

// cutDue reports whether media at dts (a keyframe, for video) starts the
// next segment. Segment k nominally starts at (k-1) segment durations, as
// the manifest's template says; a segment starts at the first keyframe
// from there on, so the numbers stay on the manifest's grid.
func (f *feeder) cutDue(dts int64) bool {
	s := f.s
	last := s.primary().last()
	if last == nil {
		return true
	}
	ms := dts - f.origin
	d := s.segDur // written only by this goroutine
	if d == 0 {
		if s.video == nil {
			return ms >= s.cfg.AudioSegmentDuration.Milliseconds()
		}
		return ms >= 100 // the second keyframe tells the GOP duration
	}
	return ms+cutTolerance(d) >= int64(last.number)*d.Milliseconds()
}

// cut ends the primary track's segment and starts the next at dts. The
// first cut after the first segment fixes the segment duration and the
// availability start time.
func (f *feeder) cut(dts int64) {
	s := f.s
	t := s.primary()
	last := t.last()
	if last == nil {
		f.origin = dts
		f.startSegment(t, 1, 0)
		return
	}
	ms := dts - f.origin
	d := s.segDur
	if d == 0 {
		d = time.Duration(ms) * time.Millisecond
		if s.video == nil {
			d = s.cfg.AudioSegmentDuration
		}
		s.mu.Lock()
		s.segDur, s.ast = d, time.Now().Add(-time.Duration(ms)*time.Millisecond)
		s.mu.Unlock()
		s.cfg.Log.Debug("DASH: segments", "duration", d)
	}
	n := max(last.number+1, int((ms+cutTolerance(d))/d.Milliseconds())+1)
	f.startSegment(t, n, ms)
}

// startSegment ends t's current segment and starts number n, dropping the
// oldest beyond SegmentCount (viewers still writing one keep it until
// they are done or timed out).
func (f *feeder) startSegment(t *track, n int, startMS int64) {
	s := f.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := t.current(); cur != nil {
		cur.done = true
	}
	t.segs = append(t.segs, &segment{number: n, startMS: startMS})
	if over := len(t.segs) - s.cfg.SegmentCount; over > 0 {
		clear(t.segs[:over])
		t.segs = t.segs[over:]
	}
	s.broadcastLocked()
}

// end closes the last segments when the stream ends.
func (f *feeder) end() {
	s := f.s
	if s.video != nil && f.pending != nil {
		f.pending.Dur = 3000
		f.addSample(s.video, *f.pending)
		f.pending = nil
	}
	var endMS int64
	for _, t := range []*track{s.video, s.audio} {
		if t == nil {
			continue
		}
		f.flush(t)
		if l := t.last(); l != nil {
			endMS = max(endMS, l.startMS+int64(s.segDur/time.Millisecond))
		}
	}
	s.mu.Lock()
	for _, t := range []*track{s.video, s.audio} {
		if t != nil {
			if cur := t.current(); cur != nil {
				cur.done = true
			}
		}
	}
	s.ended, s.endedAt, s.endMS = true, time.Now(), endMS
	s.broadcastLocked()
	s.mu.Unlock()
}

// spsSize reads the picture size from an SPS (0, 0 if it does not parse).
func spsSize(b []byte) (int, int) {
	var sps h264.SPS
	if err := sps.Unmarshal(b); err != nil {
		return 0, 0
	}
	return sps.Width(), sps.Height()
}
