package rtmp

import (
	"fmt"
	"sync"
	"time"
)

// Acknowledgement watchdog constants.
const (
	// DefaultAckTimeout is how long a server that acknowledges data may
	// stay silent while data piles up before the publisher gives up.
	DefaultAckTimeout = 10 * time.Second
	// publisherAckWindow is the WindowAckSize the publisher announces: a
	// server that honours it (nginx-rtmp, SRS, ffmpeg, our Server)
	// acknowledges every 256 KiB it has read.
	publisherAckWindow = 256 << 10
	// ackStallFactor: the watchdog fires only once more than this many ack
	// windows were sent since the last acknowledgement arrived.
	ackStallFactor = 3
	// maxLearnedAckWindow caps the ack spacing learned from a server.
	maxLearnedAckWindow = 64 << 20
	// ackWatchTick is how often the watchdog looks.
	ackWatchTick = 250 * time.Millisecond
)

// ackWatch follows the server's Acknowledgements to find a server that
// stopped reading while its kernel still accepts bytes. It arms on the
// first Acknowledgement: a server that never acknowledges is never judged
// by it (many do not, and that is legal). It learns the server's real ack
// spacing from the sequence numbers, so a server that acknowledges less
// often than asked is not mistaken for a dead one.
type ackWatch struct {
	mu        sync.Mutex
	count     uint64    // acknowledgements received
	lastSeq   uint32    // sequence number of the last one
	window    uint64    // largest ack spacing seen, at least publisherAckWindow
	sentAtAck uint64    // bytes we had sent when the last one arrived
	at        time.Time // when it arrived
}

// onAck records an Acknowledgement carrying seq, received at now while
// sent bytes had been written.
func (w *ackWatch) onAck(seq uint32, sent uint64, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	step := uint64(seq - w.lastSeq) // uint32 arithmetic: wraps at 4 GiB
	if w.count == 0 {
		step = uint64(seq)
		w.window = publisherAckWindow
	}
	// A step of more than 2 GiB is a counter reset (nginx restarts its
	// count near 4 GiB), not a spacing.
	if step < 1<<31 {
		w.window = max(w.window, min(step, maxLearnedAckWindow))
	}
	w.count++
	w.lastSeq, w.sentAtAck, w.at = seq, sent, now
}

// acks returns how many Acknowledgements arrived.
func (w *ackWatch) acks() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.count
}

// stall reports the bytes sent since the last Acknowledgement and how long
// ago it arrived; stalled is true when both exceed what a live server
// leaves unacknowledged: ackStallFactor windows and timeout.
func (w *ackWatch) stall(sent uint64, now time.Time, timeout time.Duration) (pending uint64, silent time.Duration, stalled bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count == 0 || sent < w.sentAtAck {
		return 0, 0, false
	}
	pending, silent = sent-w.sentAtAck, now.Sub(w.at)
	return pending, silent, pending > ackStallFactor*w.window && silent >= timeout
}

// watchAcks is the watchdog goroutine, owned by the Publisher: it ends the
// session when the server stops acknowledging, and returns when the
// session ends. Closing the connection cuts short a write blocked on the
// stalled server.
func (p *Publisher) watchAcks() {
	defer close(p.chWatchDone)
	tick := time.NewTicker(ackWatchTick)
	defer tick.Stop()
	for {
		select {
		case <-p.chDone:
			return
		case now := <-tick.C:
			pending, silent, stalled := p.acks.stall(p.conn.sent.Load(), now, p.opt.AckTimeout)
			if !stalled {
				continue
			}
			err := fmt.Errorf("the server %s stopped acknowledging data: %d KiB sent without an acknowledgement for %v",
				p.t.Addr(), pending>>10, silent.Round(100*time.Millisecond))
			if p.fail(err) {
				_ = p.conn.Close()
				p.log.Warn("server stopped acknowledging", "err", err)
			}
			return
		}
	}
}

// inFlight returns the bytes of sent that the server has not acknowledged
// beyond one learned ack spacing, and whether it has acknowledged at all.
func (w *ackWatch) inFlight(sent uint64) (uint64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count == 0 {
		return 0, false
	}
	unacked := uint64(uint32(sent) - w.lastSeq) // the server counts mod 2^32
	if unacked >= 1<<31 || unacked <= w.window {
		return 0, true // ahead of us (a counter reset), or within one window
	}
	return unacked - w.window, true
}

// InFlight returns the bytes sent that the server has not acknowledged yet,
// beyond the one acknowledgement window a healthy server leaves open: data
// waiting in the kernel's buffers or on the way. ok is false while the
// server has acknowledged nothing (many never do).
func (p *Publisher) InFlight() (n uint64, ok bool) { return p.acks.inFlight(p.BytesSent()) }
