package bench

import (
	"testing"
	"time"
)

// TestSummarizeKeepsTheCatchUpApart: the report's caught-up latencies are
// those of the frames after each player's catch-up only, so a join burst
// shows in the overall p99 and not in the caught-up one.
func TestSummarizeKeepsTheCatchUpApart(t *testing.T) {
	ms := time.Millisecond
	var burst, steady []time.Duration
	for i := range 100 {
		steady = append(steady, time.Duration(1+i%5)*ms) // 1…5 ms
	}
	for range 10 {
		burst = append(burst, 200*ms) // waited behind the cached GOP
	}
	p := PlayerResult{Fraction: 1, latencies: append(append([]time.Duration(nil), burst...), steady...), caughtUp: steady}
	rep := summarize([]PlayerResult{p, p})
	if rep.LatencyP99 != 200*ms {
		t.Errorf("overall p99 %v, want the burst's 200ms", rep.LatencyP99)
	}
	if rep.CaughtUpP99 != 5*ms || rep.CaughtUpP50 != 3*ms {
		t.Errorf("caught-up p50 %v p99 %v, want 3ms and 5ms", rep.CaughtUpP50, rep.CaughtUpP99)
	}
	if rep.Sustained != 2 {
		t.Errorf("%d sustained, want 2", rep.Sustained)
	}
}
