package app

import "sync"

// opQueue is the studio worker's queue of commands. A command is never
// refused or dropped: the queue grows as needed (commands come from a
// person's clicks, so it stays short), and every caller returns at once.
// Saves are coalesced: however many edits ask for one while the worker is
// busy (a gain slider sends one per drag event), the settings are written
// once, after the commands queued before the request.
type opQueue struct {
	mu     sync.Mutex
	ops    []func()
	save   bool
	notify chan struct{} // capacity 1: "there is work"
}

func newOpQueue() *opQueue { return &opQueue{notify: make(chan struct{}, 1)} }

// push queues op.
func (q *opQueue) push(op func()) {
	q.mu.Lock()
	q.ops = append(q.ops, op)
	q.mu.Unlock()
	q.wake()
}

// requestSave asks for one save after the commands queued so far.
func (q *opQueue) requestSave() {
	q.mu.Lock()
	q.save = true
	q.mu.Unlock()
	q.wake()
}

func (q *opQueue) wake() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// take returns the queued commands, in order, and whether a save was asked
// for, and empties the queue.
func (q *opQueue) take() ([]func(), bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ops, save := q.ops, q.save
	q.ops, q.save = nil, false
	return ops, save
}
