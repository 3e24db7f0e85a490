package media

import "sync"

// HubOptions configures a Hub.
type HubOptions struct {
	// GOPCache keeps the packets since the last video keyframe so that a new
	// reader starts at once from that keyframe instead of waiting for the next.
	GOPCache      bool
	MaxGOPPackets int // default 4096
	MaxGOPBytes   int // default 32 MiB
}

// Hub fans one live stream of units (Packets, or a consumer's type that
// carries one) out to many readers. Write never blocks: each reader owns a
// bounded Queue and is skipped forward on overflow. The hub remembers the
// sequence headers (and, optionally, the current GOP) so late joiners and
// reconnecting destinations start with decodable media.
type Hub[T Unit[T]] struct {
	opt HubOptions

	mu       sync.Mutex
	vHeader  *T
	aHeader  *T
	data     *T
	gop      []T
	gopBytes int
	readers  map[*Queue[T]]struct{}
}

// PacketHub is a Hub of plain Packets, what most of the studio uses.
type PacketHub = Hub[Packet]

// PacketQueue is a reader's Queue of plain Packets.
type PacketQueue = Queue[Packet]

// NewPacketHub returns an empty hub of plain Packets.
func NewPacketHub(opt HubOptions) *PacketHub { return NewHub[Packet](opt) }

// NewHub returns an empty hub.
func NewHub[T Unit[T]](opt HubOptions) *Hub[T] {
	if opt.MaxGOPPackets <= 0 {
		opt.MaxGOPPackets = 4096
	}
	if opt.MaxGOPBytes <= 0 {
		opt.MaxGOPBytes = 32 << 20
	}
	return &Hub[T]{opt: opt, readers: map[*Queue[T]]struct{}{}}
}

// Write hands u to every reader. Its packet's Data must not be modified
// afterwards.
func (h *Hub[T]) Write(u T) {
	p := u.Media()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remember(u, p)
	hasVideo := h.vHeader != nil
	for q := range h.readers {
		q.push(u, p, hasVideo)
	}
}

func (h *Hub[T]) remember(u T, p Packet) {
	switch {
	case p.Kind == KindData:
		h.data = &u
		return
	case p.Header && p.Kind == KindVideo:
		h.vHeader = &u
		h.resetGOP()
		return
	case p.Header && p.Kind == KindAudio:
		h.aHeader = &u
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
	h.gop = append(h.gop, u)
	h.gopBytes += len(p.Data)
}

// Cut drops the cached GOP: readers that subscribe from now on wait for
// the next keyframe. A source that pauses (the studio's encoder while
// nobody watches) cuts, so that nobody joins on pictures from before the
// pause.
func (h *Hub[T]) Cut() {
	h.mu.Lock()
	h.resetGOP()
	h.mu.Unlock()
}

func (h *Hub[T]) resetGOP() {
	clear(h.gop)
	h.gop = h.gop[:0]
	h.gopBytes = 0
}

// Subscribe adds a reader. Its queue starts with the metadata and sequence
// headers, then the cached GOP if there is one; otherwise it waits for the
// next keyframe.
func (h *Hub[T]) Subscribe(lim QueueLimits) *Queue[T] {
	h.mu.Lock()
	defer h.mu.Unlock()
	hasVideo := h.vHeader != nil
	q := NewQueue[T](lim, len(h.gop) == 0)
	for _, u := range []*T{h.data, h.vHeader, h.aHeader} {
		if u == nil {
			continue
		}
		if len(h.gop) > 0 { // a late joiner: its timeline starts at the GOP's first packet
			q.Push((*u).Retimed(h.gop[0].Media().DTS), hasVideo)
		} else {
			q.Push(*u, hasVideo)
		}
	}
	if n := len(h.gop); n > 0 {
		q.setFloor(h.gop[n-1].Media().DTS)
	}
	for _, u := range h.gop {
		q.Push(u, hasVideo)
	}
	h.readers[q] = struct{}{}
	return q
}

// Unsubscribe removes and closes a reader's queue.
func (h *Hub[T]) Unsubscribe(q *Queue[T]) {
	h.mu.Lock()
	delete(h.readers, q)
	h.mu.Unlock()
	q.Close()
}

// Readers returns how many readers are subscribed.
func (h *Hub[T]) Readers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.readers)
}

// DroppedByReaders sums the packets dropped by the current readers' queues.
func (h *Hub[T]) DroppedByReaders() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var n uint64
	for q := range h.readers {
		n += q.Stats().Dropped
	}
	return n
}

// Close closes every reader's queue; readers drain and then see ErrQueueClosed.
func (h *Hub[T]) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for q := range h.readers {
		q.Close()
		delete(h.readers, q)
	}
}
