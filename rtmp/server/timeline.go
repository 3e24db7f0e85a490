package server

import "github.com/seed7c1a73c4/onair/media"

// Timeline tolerances. A step forward of more than maxTimestampJump or
// back by more than maxTimestampBack is a camera clock jump: the track is
// re-based so that players see continuous time.
const (
	maxTimestampJump = 5000 // ms
	maxTimestampBack = 500  // ms
)

// Track indexes of a timeline.
const (
	trackAudio = 0
	trackVideo = 1
)

// timeline maps a publisher's 32-bit message timestamps onto the stream's
// continuous millisecond timeline that players see. It unwraps the 32-bit
// field, keeps both tracks on the offset of the first media timestamp (so
// A/V sync survives audio that starts long before video), re-bases a track
// whose clock jumps, and keeps each track monotonic. A new publisher on the
// same stream continues where the last one stopped. Not safe for
// concurrent use.
type timeline struct {
	unwrap    [2]media.TimestampUnwrapper
	offset    [2]int64
	last      [2]int64
	step      [2]int64 // last normal step, used to place a re-based packet
	seen      [2]bool
	firstRaw  int64
	haveFirst bool
	base      int64
	anomalies uint64
}

// restart prepares the timeline for a new publisher: its first packet lands
// just after the last packet sent.
func (t *timeline) restart() {
	if t.seen[0] || t.seen[1] {
		t.base = max(t.last[0], t.last[1]) + 1
	}
	t.unwrap = [2]media.TimestampUnwrapper{}
	t.seen = [2]bool{}
	t.haveFirst = false
}

// now returns the latest time on track (for headers and metadata).
func (t *timeline) now(track int) int64 {
	if t.seen[track] {
		return t.last[track]
	}
	return max(t.base, t.last[1-track])
}

// place maps one media timestamp of track.
func (t *timeline) place(track int, ts uint32) int64 {
	u := t.unwrap[track].Unwrap(ts)
	if !t.seen[track] {
		t.seen[track] = true
		if !t.haveFirst {
			t.haveFirst, t.firstRaw = true, u
		}
		start := t.base + (u - t.firstRaw)
		if d := u - t.firstRaw; d > maxTimestampJump || d < -maxTimestampBack || start < t.base {
			// This track's clock is unrelated to the first one's.
			t.anomalies++
			start = max(t.base, t.last[1-track])
		}
		t.offset[track], t.last[track], t.step[track] = u-start, start, 0
		return start
	}
	out := u - t.offset[track]
	switch d := out - t.last[track]; {
	case d > maxTimestampJump || d < -maxTimestampBack:
		t.anomalies++
		out = t.last[track] + min(max(t.step[track], 1), 100)
		t.offset[track] = u - out
	case d < 0:
		out = t.last[track] // small reordering: stay monotonic
	default:
		if d > 0 {
			t.step[track] = d
		}
	}
	t.last[track] = out
	return out
}
