package dest

import (
	"testing"

	"github.com/seed7c1a73c4/onair/media"
)

// rebase starts the destination's timeline at the first packet and keeps
// each kind's DTS from going back; a video frame sent late, behind audio
// that went ahead, keeps its own time instead of taking the audio's.
func TestRebaseKeepsEachKindsTime(t *testing.T) {
	var r Runner
	p := media.Packet{Kind: media.KindVideo, Key: true, DTS: 5000, PTS: 5000}
	r.rebase(&p)
	if p.DTS != 0 {
		t.Fatalf("the first packet is at %d; want 0", p.DTS)
	}
	for i := int64(0); i < 150; i++ {
		a := media.Packet{Kind: media.KindAudio, DTS: 5000 + 21*i, PTS: 5000 + 21*i}
		r.rebase(&a)
	}
	for i := int64(1); i <= 3; i++ {
		v := media.Packet{Kind: media.KindVideo, DTS: 5000 + 33*i, PTS: 5000 + 33*i + 66}
		r.rebase(&v)
		if v.DTS != 33*i || v.PTS != 33*i+66 {
			t.Fatalf("late video frame %d at DTS %d PTS %d; want %d and %d", i, v.DTS, v.PTS, 33*i, 33*i+66)
		}
	}
	back := media.Packet{Kind: media.KindVideo, DTS: 5000, PTS: 5000}
	if r.rebase(&back); back.DTS != 99 {
		t.Errorf("a video DTS going back was sent at %d; want it held at 99", back.DTS)
	}
	h := media.Packet{Kind: media.KindVideo, Header: true}
	if r.rebase(&h); h.DTS != 149*21 {
		t.Errorf("a sequence header at %d; want the latest time sent, %d", h.DTS, 149*21)
	}
}
