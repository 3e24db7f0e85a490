package capture

import "sync"

// dropQueue is a bounded FIFO from one producer goroutine to one reader.
// push never blocks: when the queue is full the oldest item is dropped and
// handed back to the producer, which recycles its buffers.
type dropQueue[T any] struct {
	mu      sync.Mutex
	items   []T
	head, n int
	err     error         // set by fail: the producer has stopped
	chReady chan struct{} // signalled after every push and fail
}

func newDropQueue[T any](size int) *dropQueue[T] {
	return &dropQueue[T]{items: make([]T, size), chReady: make(chan struct{}, 1)}
}

// push appends v. When the queue was full it returns the dropped item.
func (q *dropQueue[T]) push(v T) (dropped T, ok bool) {
	q.mu.Lock()
	if q.n == len(q.items) {
		dropped, ok = q.items[q.head], true
		var zero T
		q.items[q.head] = zero
		q.head = (q.head + 1) % len(q.items)
		q.n--
	}
	q.items[(q.head+q.n)%len(q.items)] = v
	q.n++
	q.mu.Unlock()
	q.signal()
	return dropped, ok
}

// fail records why the producer stopped; pop returns it once the queue
// is empty.
func (q *dropQueue[T]) fail(err error) {
	q.mu.Lock()
	if q.err == nil {
		q.err = err
	}
	q.mu.Unlock()
	q.signal()
}

func (q *dropQueue[T]) signal() {
	select {
	case q.chReady <- struct{}{}:
	default:
	}
}

// tryPop takes the oldest item without waiting.
func (q *dropQueue[T]) tryPop() (v T, ok bool, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 {
		return v, false, q.err
	}
	v = q.items[q.head]
	var zero T
	q.items[q.head] = zero
	q.head = (q.head + 1) % len(q.items)
	q.n--
	return v, true, nil
}

// pop waits for the oldest item. It returns ErrClosed when done closes
// first, or the producer's error once the queue is drained.
func (q *dropQueue[T]) pop(done <-chan struct{}) (T, error) {
	for {
		select {
		case <-done:
			var zero T
			return zero, ErrClosed
		default:
		}
		v, ok, err := q.tryPop()
		if ok || err != nil {
			return v, err
		}
		select {
		case <-q.chReady:
		case <-done:
		}
	}
}
