package media

import (
	"context"
	"testing"
	"time"
)

// waitIdle waits until q's reader waits in Pop on an empty queue.
func waitIdle(t *testing.T, q *PacketQueue) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		q.mu.Lock()
		idle := q.idle
		q.mu.Unlock()
		if idle {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the reader never waited in Pop")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestQueueDirectDeliversOnlyToAnIdleReader: the fast path runs only while
// the reader waits on an empty queue; what it delivers is not queued, what
// it leaves (the unit or its rest) is queued and wakes the reader, and
// while the reader is busy every unit is queued in order.
func TestQueueDirectDeliversOnlyToAnIdleReader(t *testing.T) {
	q := NewQueue[Packet](QueueLimits{}, false)
	var directed []int64
	q.SetDirect(func(p Packet) (Packet, bool) {
		directed = append(directed, p.DTS)
		if p.DTS%2 == 0 {
			return p, true
		}
		p.Data = p.Data[:1] // the rest of it
		return p, false
	})
	q.Push(vid(0, true), true) // the reader has not waited yet: queued
	if p, err := q.Pop(context.Background()); err != nil || p.DTS != 0 {
		t.Fatalf("Pop = %v, %v", p.DTS, err)
	}
	if len(directed) != 0 {
		t.Fatalf("direct ran for %v before the reader waited", directed)
	}

	popped := make(chan Packet)
	go func() {
		p, _ := q.Pop(context.Background())
		popped <- p
	}()
	waitIdle(t, q)
	q.Push(vid(2, false), true) // delivered directly: the reader sleeps on
	if n := q.Stats().Len; n != 0 {
		t.Fatalf("a directly delivered unit was queued too (%d queued)", n)
	}
	q.Push(vid(3, false), true) // delivered in part: the rest wakes the reader
	p := <-popped
	if p.DTS != 3 || len(p.Data) != 1 {
		t.Fatalf("the reader got DTS %d with %d bytes, want the rest of DTS 3 (1 byte)", p.DTS, len(p.Data))
	}
	q.Push(vid(4, false), true) // the reader is busy with 3: queued
	q.Push(vid(6, false), true)
	if got := drain(t, q); len(got) != 2 || got[0].DTS != 4 || got[1].DTS != 6 {
		t.Fatalf("queued while busy: %v", got)
	}
	if len(directed) != 2 || directed[0] != 2 || directed[1] != 3 {
		t.Fatalf("direct ran for %v, want [2 3]", directed)
	}
}
