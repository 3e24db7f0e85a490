package livesrc

import "testing"

func TestAudioClockSmoothsMillisecondStamps(t *testing.T) {
	c := AudioClock{Rate: 48000}
	for i := int64(0); i < 1000; i++ {
		ms := i * 1024 * 1000 / 48000 // what RTMP carries: rounded down
		if got, want := c.Place(ms), i*1024; got != want {
			t.Fatalf("frame %d stamped %d ms placed at %d, want %d", i, ms, got, want)
		}
	}
}

func TestAudioClockFollowsAJump(t *testing.T) {
	c := AudioClock{Rate: 48000}
	c.Place(0)
	c.Place(21)
	if got := c.Place(5000); got != 5000*48 {
		t.Fatalf("after a 5 s jump: %d, want %d", got, 5000*48)
	}
	if got := c.Place(5021); got != 5000*48+1024 {
		t.Fatalf("after the jump the count goes on: %d", got)
	}
}
