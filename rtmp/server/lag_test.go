package server

import (
	"errors"
	"testing"
	"time"
)

// TestLagMeterCountsSleepAsCaughtUp: a player that slept 10 s while the
// publisher's direct writes served it, then wrote a packet and found one
// more queued, is not behind; one that keeps finding packets queued for
// longer than the limit is.
func TestLagMeterCountsSleepAsCaughtUp(t *testing.T) {
	t0 := time.Unix(1000, 0)
	l := lagMeter{max: 4 * time.Second, caughtUp: t0, idle: true}
	if err := l.wrote(t0, 0); err != nil { // caught up, goes to sleep
		t.Fatal(err)
	}
	l.woke(t0.Add(10 * time.Second)) // woken for what a direct write left
	if err := l.wrote(t0.Add(10*time.Second+time.Millisecond), 1); err != nil {
		t.Fatalf("a player that slept caught up was called behind: %v", err)
	}
	for i := 1; i <= 3; i++ { // busy, always something queued, 3 s in all
		l.woke(t0.Add(10*time.Second + time.Duration(i)*time.Second))
		if err := l.wrote(t0.Add(10*time.Second+time.Duration(i)*time.Second), 1); err != nil {
			t.Fatalf("behind for %d s of a 4 s limit: %v", i, err)
		}
	}
	l.woke(t0.Add(15 * time.Second))
	if err := l.wrote(t0.Add(15*time.Second), 2); !errors.Is(err, errPlayerLag) {
		t.Fatalf("behind for 5 s of a 4 s limit: got %v, want errPlayerLag", err)
	}
}
