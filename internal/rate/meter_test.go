package rate

import (
	"testing"
	"time"
)

// The rate is over the last complete buckets, since the first count at
// most, with the bucket being filled left out; a long silence empties it.
func TestMeter(t *testing.T) {
	m := New(time.Second, 5)
	t0 := time.Unix(1000, 0)
	if r := m.PerSecond(t0); r != 0 {
		t.Fatalf("empty meter: %v", r)
	}
	m.Add(100, t0)
	if r := m.PerSecond(t0.Add(500 * time.Millisecond)); r != 0 {
		t.Errorf("within the first bucket: %v; want 0", r)
	}
	for s := 1; s < 10; s++ {
		m.Add(100, t0.Add(time.Duration(s)*time.Second))
	}
	// At 10.5 s: the last 5 complete buckets (5 s to 9 s) hold 100 each.
	if r := m.PerSecond(t0.Add(10500 * time.Millisecond)); r != 100 {
		t.Errorf("steady 100/s: %v", r)
	}
	// Two complete buckets after the first count: the rate is over those two.
	m2 := New(time.Second, 5)
	m2.Add(50, t0)
	m2.Add(150, t0.Add(time.Second))
	if r := m2.PerSecond(t0.Add(2 * time.Second)); r != 100 {
		t.Errorf("two buckets (50, 150): %v; want 100", r)
	}
	if r := m.PerSecond(t0.Add(time.Hour)); r != 0 {
		t.Errorf("after an hour of silence: %v", r)
	}
	if m.Total() != 1000 {
		t.Errorf("total %d; want 1000", m.Total())
	}
	// Sub-second buckets.
	q := New(250*time.Millisecond, 8)
	for i := range 16 {
		q.Add(1000, t0.Add(time.Duration(i)*250*time.Millisecond))
	}
	if r := q.PerSecond(t0.Add(4 * time.Second)); r != 4000 {
		t.Errorf("1000 per 250 ms: %v/s; want 4000", r)
	}
}
