package server

import "testing"

// TestTimelineCamera feeds the timeline what IP cameras send: audio long
// before video, a first timestamp far from zero, a jump of 2^31 on both
// tracks, and a 32-bit wrap. Players must see each track monotonic, with
// steps as sent, and audio and video still in sync after every event.
func TestTimelineCamera(t *testing.T) {
	var tl timeline
	type in struct {
		track int
		ts    uint32
	}
	var feed []in
	base := uint32(1_000_000) // first timestamp not zero
	add := func(from, to uint32, offset uint32) {
		for ms := from; ms < to; ms += 20 {
			feed = append(feed, in{trackAudio, base + offset + ms})
			if ms >= 3000 && ms%40 == 0 { // video starts 3 s after audio
				feed = append(feed, in{trackVideo, base + offset + ms})
			}
		}
	}
	add(0, 6000, 0)
	add(6000, 9000, 1<<31) // both clocks jump by 2^31
	// then wrap: choose an offset so the raw values pass 2^32
	wrapOffset := uint32(1<<32 - uint64(base) - 10000)
	add(9000, 12000, wrapOffset)
	var last [2]int64
	var seen [2]bool
	var pairs [][2]int64 // (audio out, video out) at equal raw time
	lastAudio := int64(0)
	for _, f := range feed {
		out := tl.place(f.track, f.ts)
		if seen[f.track] && out < last[f.track] {
			t.Fatalf("track %d went backwards: %d after %d", f.track, out, last[f.track])
		}
		if seen[f.track] && out-last[f.track] > 100 {
			t.Fatalf("track %d jumped by %d ms at raw %d", f.track, out-last[f.track], f.ts)
		}
		if f.track == trackAudio {
			lastAudio = out
		} else {
			pairs = append(pairs, [2]int64{lastAudio, out})
		}
		last[f.track], seen[f.track] = out, true
	}
	if first := pairs[0]; first[1] < 2900 || first[1] > 3100 {
		t.Errorf("video starts at %d ms on the timeline, want about 3000 (after the audio)", first[1])
	}
	for _, p := range pairs {
		if d := p[1] - p[0]; d < -60 || d > 60 {
			t.Fatalf("audio %d and video %d out of sync by %d ms", p[0], p[1], d)
		}
	}
	if tl.anomalies < 2 {
		t.Errorf("anomalies %d, want the jump and the wrap counted", tl.anomalies)
	}
}
