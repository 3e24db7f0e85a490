package rtmp

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrQueueClosed is returned by Queue.Pop once the queue is closed and drained.
var ErrQueueClosed = errors.New("rtmp: queue closed")

// QueueLimits bounds one reader's queue, by packets and by bytes.
type QueueLimits struct {
	MaxPackets int // default 1024
	MaxBytes   int // default 16 MiB
	// MaxDelay, when set, also counts as overflow a queue whose media spans
	// more than this (by DTS): the reader has fallen that far behind.
	MaxDelay time.Duration
}

func (l QueueLimits) withDefaults() QueueLimits {
	if l.MaxPackets <= 0 {
		l.MaxPackets = 1024
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = 16 << 20
	}
	return l
}

// Queue is one reader's bounded packet queue. Push never blocks: when the
// queue overflows it drops everything queued and skips media until the next
// video keyframe, counting every dropped packet. Sequence headers are never
// dropped. One goroutine pushes (the hub), one pops (the reader's writer).
type Queue struct {
	lim QueueLimits

	mu      sync.Mutex
	ring    []Packet
	head, n int
	bytes   int
	waitKey bool
	floor   int64 // DTS of the last packet of the initial burst (GOP cache)
	closed  bool
	dropped uint64
	skips   uint64

	chNotify chan struct{}
}

// NewQueue returns an empty queue. If startAtKeyframe is set, media is
// skipped until the first video keyframe (audio-only streams never wait).
func NewQueue(lim QueueLimits, startAtKeyframe bool) *Queue {
	lim = lim.withDefaults()
	return &Queue{
		lim:      lim,
		ring:     make([]Packet, lim.MaxPackets),
		waitKey:  startAtKeyframe,
		chNotify: make(chan struct{}, 1),
	}
}

// Push enqueues p without blocking. It reports false when p was dropped.
func (q *Queue) Push(p Packet, hasVideo bool) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	if q.waitKey && !p.Header {
		if hasVideo && !(p.Kind == KindVideo && p.Key) {
			q.dropped++
			return false
		}
		q.waitKey = false
	}
	if q.n == len(q.ring) || q.bytes+len(p.Data) > q.lim.MaxBytes || q.behindLocked(p) {
		q.overflowLocked()
		if !p.Header && (!hasVideo || !(p.Kind == KindVideo && p.Key)) {
			q.dropped++
			return false
		}
		q.waitKey = false
	}
	q.ring[(q.head+q.n)%len(q.ring)] = p
	q.n++
	q.bytes += len(p.Data)
	select {
	case q.chNotify <- struct{}{}:
	default:
	}
	return true
}

// behindLocked reports whether pushing p would make the queued media span
// more than MaxDelay. The initial burst (the GOP cache) counts from its last
// packet, so a long cached GOP does not count as being behind.
func (q *Queue) behindLocked(p Packet) bool {
	if q.lim.MaxDelay <= 0 || q.n == 0 || p.Header || p.Kind == KindData {
		return false
	}
	oldest := max(q.ring[q.head].DTS, q.floor)
	return time.Duration(p.DTS-oldest)*time.Millisecond > q.lim.MaxDelay
}

// overflowLocked drops all queued media (keeping headers and metadata) and arms the
// skip-to-keyframe state.
func (q *Queue) overflowLocked() {
	kept := q.ring[:0:0]
	for i := 0; i < q.n; i++ {
		idx := (q.head + i) % len(q.ring)
		if q.ring[idx].Header || q.ring[idx].Kind == KindData {
			kept = append(kept, q.ring[idx])
		} else {
			q.dropped++
		}
		q.ring[idx] = Packet{}
	}
	q.head, q.n, q.bytes = 0, 0, 0
	for _, p := range kept {
		q.ring[q.n] = p
		q.n++
		q.bytes += len(p.Data)
	}
	q.waitKey = true
	q.skips++
}

func (q *Queue) setFloor(dts int64) {
	q.mu.Lock()
	q.floor = dts
	q.mu.Unlock()
}

// Pop returns the oldest packet, waiting until one arrives, ctx ends or the
// queue is closed.
func (q *Queue) Pop(ctx context.Context) (Packet, error) {
	for {
		q.mu.Lock()
		if p, ok := q.popLocked(); ok {
			q.mu.Unlock()
			return p, nil
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return Packet{}, ErrQueueClosed
		}
		select {
		case <-q.chNotify:
		case <-ctx.Done():
			return Packet{}, ctx.Err()
		}
	}
}

// TryPop returns the oldest packet without waiting; ok is false when the
// queue is empty.
func (q *Queue) TryPop() (p Packet, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.popLocked()
}

func (q *Queue) popLocked() (Packet, bool) {
	if q.n == 0 {
		return Packet{}, false
	}
	p := q.ring[q.head]
	q.ring[q.head] = Packet{}
	q.head = (q.head + 1) % len(q.ring)
	q.n--
	q.bytes -= len(p.Data)
	return p, true
}

// Close wakes the reader; Pop returns ErrQueueClosed once the queue is empty.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.chNotify <- struct{}{}:
	default:
	}
}

// QueueStats is a snapshot of a queue's counters.
type QueueStats struct {
	Len     int    // packets waiting
	Bytes   int    // bytes waiting
	Dropped uint64 // packets dropped since creation
	Skips   uint64 // overflows that skipped to the next keyframe
}

// Stats returns the queue's counters.
func (q *Queue) Stats() QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return QueueStats{Len: q.n, Bytes: q.bytes, Dropped: q.dropped, Skips: q.skips}
}
