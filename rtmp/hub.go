package rtmp

import "sync"

// HubOptions configures a Hub.
type HubOptions struct {
	// GOPCache keeps the packets since the last video keyframe so that a new
	// reader starts at once from that keyframe instead of waiting for the next.
	GOPCache      bool
	MaxGOPPackets int // default 4096
	MaxGOPBytes   int // default 32 MiB
}

// Hub fans one live stream out to many readers. Write never blocks: each
// reader owns a bounded Queue and is skipped forward on overflow. The hub
// remembers the sequence headers (and, optionally, the current GOP) so late
// joiners and reconnecting destinations start with decodable media.
type Hub struct {
	opt HubOptions

	mu       sync.Mutex
	vHeader  *Packet
	aHeader  *Packet
	data     *Packet
	gop      []Packet
	gopBytes int
	readers  map[*Queue]struct{}
}

// NewHub returns an empty hub.
func NewHub(opt HubOptions) *Hub {
	if opt.MaxGOPPackets <= 0 {
		opt.MaxGOPPackets = 4096
	}
	if opt.MaxGOPBytes <= 0 {
		opt.MaxGOPBytes = 32 << 20
	}
	return &Hub{opt: opt, readers: map[*Queue]struct{}{}}
}

// Write hands p to every reader. p.Data must not be modified afterwards.
func (h *Hub) Write(p Packet) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remember(p)
	hasVideo := h.vHeader != nil
	for q := range h.readers {
		q.Push(p, hasVideo)
	}
}

func (h *Hub) remember(p Packet) {
	switch {
	case p.Kind == KindData:
		cp := p
		h.data = &cp
		return
	case p.Header && p.Kind == KindVideo:
		cp := p
		h.vHeader = &cp
		h.resetGOP()
		return
	case p.Header && p.Kind == KindAudio:
		cp := p
		h.aHeader = &cp
		return
	}
	if !h.opt.GOPCache {
		return
	}
	if p.Kind == KindVideo && p.Key {
		h.resetGOP()
	} else if len(h.gop) == 0 {
		return // nothing decodable to append to
	}
	if len(h.gop) >= h.opt.MaxGOPPackets || h.gopBytes+len(p.Data) > h.opt.MaxGOPBytes {
		h.resetGOP() // too long a GOP to cache; new readers wait for a keyframe
		return
	}
	h.gop = append(h.gop, p)
	h.gopBytes += len(p.Data)
}

func (h *Hub) resetGOP() {
	clear(h.gop)
	h.gop = h.gop[:0]
	h.gopBytes = 0
}

// Subscribe adds a reader. Its queue starts with the metadata and sequence
// headers, then the cached GOP if there is one; otherwise it waits for the
// next keyframe.
func (h *Hub) Subscribe(lim QueueLimits) *Queue {
	h.mu.Lock()
	defer h.mu.Unlock()
	hasVideo := h.vHeader != nil
	q := NewQueue(lim, len(h.gop) == 0)
	for _, p := range []*Packet{h.data, h.vHeader, h.aHeader} {
		if p != nil {
			q.Push(*p, hasVideo)
		}
	}
	if n := len(h.gop); n > 0 {
		q.setFloor(h.gop[n-1].DTS)
	}
	for _, p := range h.gop {
		q.Push(p, hasVideo)
	}
	h.readers[q] = struct{}{}
	return q
}

// Unsubscribe removes and closes a reader's queue.
func (h *Hub) Unsubscribe(q *Queue) {
	h.mu.Lock()
	delete(h.readers, q)
	h.mu.Unlock()
	q.Close()
}

// Readers returns how many readers are subscribed.
func (h *Hub) Readers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.readers)
}

// DroppedByReaders sums the packets dropped by the current readers' queues.
func (h *Hub) DroppedByReaders() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var n uint64
	for q := range h.readers {
		n += q.Stats().Dropped
	}
	return n
}

// Close closes every reader's queue; readers drain and then see ErrQueueClosed.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for q := range h.readers {
		q.Close()
		delete(h.readers, q)
	}
}
