package app

import (
	"testing"
	"time"
)

// A 30 fps stream gives 20 tile pictures a second, a 10 fps one all 10,
// and a gap does not let a burst through.
func TestTilePacer(t *testing.T) {
	count := func(fps int, d time.Duration, gapAt time.Duration) int {
		var p tilePacer
		t0 := time.Unix(1000, 0)
		n := 0
		step := time.Second / time.Duration(fps)
		for at := time.Duration(0); at < d; at += step {
			if gapAt > 0 && at >= gapAt && at < gapAt+2*time.Second {
				continue
			}
			if p.due(t0.Add(at)) {
				n++
			}
		}
		return n
	}
	if n := count(30, 10*time.Second, 0); n < 199 || n > 201 {
		t.Errorf("30 fps for 10 s: %d pictures; want 200", n)
	}
	if n := count(10, 10*time.Second, 0); n != 100 {
		t.Errorf("10 fps for 10 s: %d pictures; want 100", n)
	}
	if n := count(30, 10*time.Second, 3*time.Second); n < 159 || n > 161 {
		t.Errorf("30 fps for 10 s with a 2 s gap: %d pictures; want 160", n)
	}
}
