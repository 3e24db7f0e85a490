package media

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrQueueClosed is returned by Queue.Pop once the queue is closed and drained.
var ErrQueueClosed = errors.New("media: queue closed")

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

// Queue is one reader's bounded queue of units. Push never blocks: when the
// queue overflows it drops everything queued and skips media until the next
// video keyframe, counting every dropped packet. Sequence headers are never
// dropped. One goroutine pushes (the hub), one pops (the reader's writer).
type Queue[T Unit[T]] struct {
	lim QueueLimits

	mu      sync.Mutex
	ring    []T
	head, n int
	bytes   int
	waitKey bool
	floor   int64 // DTS of the last packet of the initial burst (GOP cache)
	closed  bool
	dropped uint64
	skips   uint64
	// idle is set while the reader waits in Pop on an empty queue: every
	// unit it popped before has been handled, so direct may deliver the
	// next one in its place.
	idle   bool
	direct DirectFunc[T]

	chNotify chan struct{}
}

// DirectFunc is a reader's fast path (see Queue.SetDirect). It delivers u
// itself, without blocking, and reports done; or it reports not done and
// returns what the reader must still deliver: u itself, or the rest of u
// when it delivered a part.
type DirectFunc[T any] func(u T) (rest T, done bool)

// initialRing is how many packets a new queue has room for before it grows
// (doubling, up to MaxPackets): a server with hundreds of players keeps a
// few KB per player, not MaxPackets slots each.
const initialRing = 16

// NewQueue returns an empty queue. If startAtKeyframe is set, media is
// skipped until the first video keyframe (audio-only streams never wait).
func NewQueue[T Unit[T]](lim QueueLimits, startAtKeyframe bool) *Queue[T] {
	lim = lim.withDefaults()
	return &Queue[T]{
		lim:      lim,
		ring:     make([]T, min(initialRing, lim.MaxPackets)),
		waitKey:  startAtKeyframe,
		chNotify: make(chan struct{}, 1),
	}
}

// Push enqueues u without blocking. It reports false when u was dropped.
// hasVideo says whether the stream has video: then media waits for a video
// keyframe after an overflow; audio-only streams never wait.
func (q *Queue[T]) Push(u T, hasVideo bool) bool { return q.push(u, u.Media(), hasVideo) }

// push is Push with u's packet already taken out (the hub does it once for
// every reader).
func (q *Queue[T]) push(u T, p Packet, hasVideo bool) bool {
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
	if q.n == q.lim.MaxPackets || q.bytes+len(p.Data) > q.lim.MaxBytes || q.behindLocked(p) {
		q.overflowLocked()
		if !p.Header && (!hasVideo || !(p.Kind == KindVideo && p.Key)) {
			q.dropped++
			return false
		}
		q.waitKey = false
	}
	if q.n == 0 && q.idle && q.direct != nil {
		rest, done := q.direct(u)
		if done {
			return true
		}
		u = rest
	}
	if q.n == len(q.ring) {
		q.growLocked()
	}
	q.ring[(q.head+q.n)%len(q.ring)] = u
	q.n++
	q.bytes += len(p.Data)
	select {
	case q.chNotify <- struct{}{}:
	default:
	}
	return true
}

// SetDirect gives the queue a fast path: while the reader waits in Pop on
// an empty queue, Push calls f (under the queue's lock, on the pushing
// goroutine) to deliver the unit at once instead of queueing it and waking
// the reader. f must not block. What f leaves undone is queued as usual,
// so the reader delivers it in order, before anything pushed later.
func (q *Queue[T]) SetDirect(f DirectFunc[T]) {
	q.mu.Lock()
	q.direct = f
	q.mu.Unlock()
}

// growLocked doubles the ring (up to MaxPackets), keeping the order.
func (q *Queue[T]) growLocked() {
	ring := make([]T, min(2*len(q.ring), q.lim.MaxPackets))
	for i := range q.n {
		ring[i] = q.ring[(q.head+i)%len(q.ring)]
	}
	q.ring, q.head = ring, 0
}

// behindLocked reports whether pushing p would make the queued media span
// more than MaxDelay. The initial burst (the GOP cache) counts from its last
// packet, so a long cached GOP does not count as being behind.
func (q *Queue[T]) behindLocked(p Packet) bool {
	if q.lim.MaxDelay <= 0 || q.n == 0 || p.Header || p.Kind == KindData {
		return false
	}
	oldest := max(q.ring[q.head].Media().DTS, q.floor)
	return time.Duration(p.DTS-oldest)*time.Millisecond > q.lim.MaxDelay
}

// overflowLocked drops all queued media (keeping headers and metadata) and arms the
// skip-to-keyframe state.
func (q *Queue[T]) overflowLocked() {
	var zero T
	kept := q.ring[:0:0]
	for i := 0; i < q.n; i++ {
		idx := (q.head + i) % len(q.ring)
		if p := q.ring[idx].Media(); p.Header || p.Kind == KindData {
			kept = append(kept, q.ring[idx])
		} else {
			q.dropped++
		}
		q.ring[idx] = zero
	}
	q.head, q.n, q.bytes = 0, 0, 0
	for _, u := range kept {
		q.ring[q.n] = u
		q.n++
		q.bytes += len(u.Media().Data)
	}
	q.waitKey = true
	q.skips++
}

func (q *Queue[T]) setFloor(dts int64) {
	q.mu.Lock()
	q.floor = dts
	q.mu.Unlock()
}

// Pop returns the oldest packet, waiting until one arrives, ctx ends or the
// queue is closed.
func (q *Queue[T]) Pop(ctx context.Context) (T, error) {
	var zero T
	for {
		q.mu.Lock()
		if u, ok := q.popLocked(); ok {
			q.idle = false
			q.mu.Unlock()
			return u, nil
		}
		closed := q.closed
		q.idle = !closed && ctx.Err() == nil
		q.mu.Unlock()
		if closed {
			return zero, ErrQueueClosed
		}
		select {
		case <-q.chNotify:
		case <-ctx.Done():
			q.mu.Lock()
			q.idle = false
			q.mu.Unlock()
			return zero, ctx.Err()
		}
	}
}

// TryPop returns the oldest packet without waiting; ok is false when the
// queue is empty.
func (q *Queue[T]) TryPop() (u T, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.popLocked()
}

func (q *Queue[T]) popLocked() (T, bool) {
	var zero T
	if q.n == 0 {
		return zero, false
	}
	u := q.ring[q.head]
	q.ring[q.head] = zero
	q.head = (q.head + 1) % len(q.ring)
	q.n--
	q.bytes -= len(u.Media().Data)
	if q.n == 0 && len(q.ring) > 4*initialRing {
		// A burst (a late joiner's cached GOP, a stall) is over: give the
		// room back, so that hundreds of idle-ish readers stay small.
		q.ring, q.head = make([]T, initialRing), 0
	}
	return u, true
}

// Close wakes the reader; Pop returns ErrQueueClosed once the queue is empty.
func (q *Queue[T]) Close() {
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
func (q *Queue[T]) Stats() QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return QueueStats{Len: q.n, Bytes: q.bytes, Dropped: q.dropped, Skips: q.skips}
}

// Reader is the reading side of a queue, as a consumer of packets sees it,
// whatever units the hub carries: a *PacketQueue is one, and PacketsOf
// makes one of any other queue.
type Reader interface {
	// Pop returns the oldest packet, waiting until one arrives, ctx ends or
	// the queue is closed (then ErrQueueClosed, once drained).
	Pop(ctx context.Context) (Packet, error)
	// TryPop returns the oldest packet without waiting.
	TryPop() (Packet, bool)
	// Stats returns the queue's counters.
	Stats() QueueStats
}

// PacketsOf returns q as a Reader of its units' packets.
func PacketsOf[T Unit[T]](q *Queue[T]) Reader { return unitReader[T]{q} }

// unitReader reads the packets of a queue of other units.
type unitReader[T Unit[T]] struct{ q *Queue[T] }

func (r unitReader[T]) Pop(ctx context.Context) (Packet, error) {
	u, err := r.q.Pop(ctx)
	return u.Media(), err
}

func (r unitReader[T]) TryPop() (Packet, bool) {
	u, ok := r.q.TryPop()
	return u.Media(), ok
}

func (r unitReader[T]) Stats() QueueStats { return r.q.Stats() }
