package server

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// wirePacket is what the server's hubs carry: a packet with its chunk
// encoding, shared by the players that can send it as it is.
type wirePacket struct {
	media.Packet
	wire *wireCache
}

// Retimed returns p at decode time dts, without the shared encoding (whose
// chunk headers carry the old time): a late joiner's headers are encoded
// for that player alone.
func (p wirePacket) Retimed(dts int64) wirePacket {
	return wirePacket{Packet: p.Packet.Retimed(dts)}
}

// wireCache holds a packet's chunk encoding for one message stream id and
// chunk size, made once by whichever player needs it first.
type wireCache struct {
	streamID  uint32
	chunkSize int
	once      sync.Once
	b         []byte
	// directUntil ends the publisher's direct writes of this packet (see
	// player.direct): players the fan-out reaches later are woken to write
	// it themselves, on the other cores, so that one packet's fan-out never
	// holds the publisher for long.
	directUntil time.Time
	// directBytes counts what direct writes sent of this packet: the
	// stream's outgoing meter takes it once, after the fan-out, instead of
	// once per player from every writer.
	directBytes atomic.Uint64
}

// tailOwed marks the unit a direct write queues when it wrote only part of
// a packet: the rest waits in serverConn.tail, and the unit wakes the
// player to write it.
var tailOwed = &wireCache{}

// directBudget is how long the publisher's goroutine may spend writing one
// packet straight to idle players' sockets before the players it has not
// reached write it themselves. One goroutine writing to every socket, as
// nginx-rtmp's event loop does, costs the least CPU. 800 players of a
// 4.7 Mb/s stream (2 cores shared with the load generator) took 1.23×
// nginx-rtmp's CPU per Gb/s with 30 ms, where 94% of the deliveries were
// direct writes; 1.36× with 3 ms, where 62% were and the rest woke a
// goroutine; and 1.30× with the players split between two writing
// goroutines. The publisher's socket holds what it sends meanwhile.
const directBudget = 30 * time.Millisecond

// bytes returns p's encoding; p must be the packet the cache belongs to.
func (w *wireCache) bytes(p *media.Packet) []byte {
	w.once.Do(func() {
		m := chunk.MessageFromPacket(p)
		m.StreamID = w.streamID
		w.b = chunk.Append(make([]byte, 0, len(m.Payload)+len(m.Payload)/w.chunkSize*2+20), m, w.chunkSize)
	})
	return w.b
}
