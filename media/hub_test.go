package media

import (
	"context"
	"errors"
	"testing"
	"time"
)

func vid(dts int64, key bool) Packet {
	return Packet{Kind: KindVideo, Key: key, DTS: dts, PTS: dts, Data: make([]byte, 100)}
}

func aud(dts int64) Packet {
	return Packet{Kind: KindAudio, Key: true, DTS: dts, PTS: dts, Data: make([]byte, 10)}
}

func drain(t *testing.T, q *PacketQueue) []Packet {
	t.Helper()
	var out []Packet
	for q.Stats().Len > 0 {
		p, err := q.Pop(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func TestQueueOverflowSkipsToKeyframeAndKeepsHeaders(t *testing.T) {
	q := NewQueue[Packet](QueueLimits{MaxPackets: 4}, false)
	q.Push(Packet{Kind: KindVideo, Header: true, Key: true}, true)
	q.Push(vid(0, true), true)
	q.Push(vid(33, false), true)
	q.Push(vid(66, false), true)
	// full: this one overflows; it is not a keyframe so it is dropped too.
	if q.Push(vid(99, false), true) {
		t.Fatal("push into a full queue with a non-key frame must drop")
	}
	if q.Push(aud(100), true) {
		t.Fatal("audio must be skipped until the next video keyframe")
	}
	if !q.Push(vid(2000, true), true) {
		t.Fatal("the next keyframe must be accepted")
	}
	q.Push(aud(2001), true)
	got := drain(t, q)
	if len(got) != 3 || !got[0].Header || got[1].DTS != 2000 || got[2].Kind != KindAudio {
		t.Fatalf("after overflow got %+v", got)
	}
	st := q.Stats()
	if st.Dropped != 5 || st.Skips != 1 {
		t.Fatalf("stats %+v, want 5 dropped (3 queued + 2 skipped), 1 skip", st)
	}
}

func TestQueueByteLimit(t *testing.T) {
	q := NewQueue[Packet](QueueLimits{MaxPackets: 100, MaxBytes: 250}, false)
	q.Push(vid(0, true), true)
	q.Push(vid(33, false), true)
	if q.Push(vid(66, false), true) {
		t.Fatal("third 100-byte packet exceeds 250 bytes and must drop")
	}
	if st := q.Stats(); st.Len != 0 || st.Skips != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestQueuePopWaitsAndCloses(t *testing.T) {
	q := NewQueue[Packet](QueueLimits{}, false)
	go func() {
		time.Sleep(20 * time.Millisecond)
		q.Push(aud(1), false)
		q.Close()
	}()
	p, err := q.Pop(context.Background())
	if err != nil || p.DTS != 1 {
		t.Fatalf("pop = %+v, %v", p, err)
	}
	if _, err := q.Pop(context.Background()); !errors.Is(err, ErrQueueClosed) {
		t.Fatalf("pop after close = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewQueue[Packet](QueueLimits{}, false).Pop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("pop with cancelled ctx = %v", err)
	}
}

func TestQueueAudioOnlyNeverWaitsForKeyframe(t *testing.T) {
	q := NewQueue[Packet](QueueLimits{}, true)
	if !q.Push(aud(0), false) {
		t.Fatal("audio-only stream must not wait for a video keyframe")
	}
}

func TestHubLateJoinerStartsAtCachedKeyframe(t *testing.T) {
	h := NewPacketHub(HubOptions{GOPCache: true})
	h.Write(Packet{Kind: KindData, Data: []byte("meta")})
	h.Write(Packet{Kind: KindVideo, Header: true, Key: true})
	h.Write(Packet{Kind: KindAudio, Header: true, Key: true})
	h.Write(vid(0, true))
	h.Write(vid(33, false))
	h.Write(vid(2000, true))
	h.Write(aud(2010))
	h.Write(vid(2033, false))
	q := h.Subscribe(QueueLimits{})
	got := drain(t, q)
	kinds := ""
	for _, p := range got {
		kinds += p.Kind.String()[:1]
	}
	if kinds != "dvavav" || !got[3].Key || got[3].DTS != 2000 {
		t.Fatalf("late joiner got %q starting at %+v", kinds, got[3])
	}
	// Its metadata and sequence headers come at the time of its first media
	// packet, not at the time they were published (0): players such as
	// gortmplib take the first timestamp as the timeline's start.
	for _, p := range got[:3] {
		if p.DTS != 2000 || p.PTS != 2000 {
			t.Errorf("late joiner's %s header at DTS %d, PTS %d; want 2000", p.Kind, p.DTS, p.PTS)
		}
	}
	h.Write(vid(2066, false))
	if p, _ := q.Pop(context.Background()); p.DTS != 2066 {
		t.Fatalf("live packet after cache: %+v", p)
	}
}

func TestHubWithoutCacheWaitsForKeyframe(t *testing.T) {
	h := NewPacketHub(HubOptions{})
	h.Write(Packet{Kind: KindVideo, Header: true, Key: true})
	h.Write(vid(0, true))
	q := h.Subscribe(QueueLimits{})
	h.Write(vid(33, false))
	h.Write(aud(40))
	h.Write(vid(2000, true))
	got := drain(t, q)
	if len(got) != 2 || !got[0].Header || got[1].DTS != 2000 {
		t.Fatalf("got %+v", got)
	}
}

// TestHubNeverBlocksOnStalledReader writes far more than a queue holds to a
// reader that never reads; Write must keep returning.
func TestHubNeverBlocksOnStalledReader(t *testing.T) {
	h := NewPacketHub(HubOptions{GOPCache: true})
	stalled := h.Subscribe(QueueLimits{MaxPackets: 8})
	healthy := h.Subscribe(QueueLimits{MaxPackets: 100000})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 10000; i++ {
			h.Write(vid(int64(i*33), i%60 == 0))
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Hub.Write blocked on a stalled reader")
	}
	if st := stalled.Stats(); st.Dropped == 0 || st.Len > 8 {
		t.Fatalf("stalled reader stats %+v", st)
	}
	if st := healthy.Stats(); st.Len != 10000 || st.Dropped != 0 {
		t.Fatalf("healthy reader stats %+v", st)
	}
	h.Close()
	if h.Readers() != 0 {
		t.Fatal("Close must drop readers")
	}
}

// A queue starts small, grows to its limit as packets wait, in order, also
// when its ring has wrapped, and shrinks again once emptied: hundreds of
// players of a server cost a few KB each, not MaxPackets slots.
func TestQueueGrowsToItsLimit(t *testing.T) {
	q := NewQueue[Packet](QueueLimits{MaxPackets: 1000, MaxBytes: 1 << 30}, false)
	if len(q.ring) != initialRing {
		t.Fatalf("a new queue has room for %d packets, want %d", len(q.ring), initialRing)
	}
	dts := int64(0)
	for range initialRing * 3 / 4 { // wrap the ring before it grows
		q.Push(aud(dts), false)
		dts++
	}
	drain(t, q)
	next := dts
	for range 1000 {
		if !q.Push(aud(dts), false) {
			t.Fatalf("packet %d was dropped below the limit", dts)
		}
		dts++
	}
	if len(q.ring) != 1000 {
		t.Fatalf("a full queue has room for %d packets, want 1000", len(q.ring))
	}
	for i, p := range drain(t, q) {
		if p.DTS != next+int64(i) {
			t.Fatalf("packet %d has DTS %d, want %d", i, p.DTS, next+int64(i))
		}
	}
	if len(q.ring) != initialRing {
		t.Errorf("an emptied queue keeps room for %d packets, want %d", len(q.ring), initialRing)
	}
	if q.Push(aud(dts), false); q.Stats().Dropped != 0 {
		t.Fatalf("dropped %d", q.Stats().Dropped)
	}
}
