package rtmp

import (
	"encoding/binary"
	"sync"

	"github.com/seed7c1a73c4/onair/media"
)

// AppendChunks appends m as RTMP chunks of chunkSize: a type-0 header (so
// the bytes do not depend on what was sent before on the chunk stream),
// then type-3 continuations, each repeating the extended timestamp when
// there is one. The server encodes each media message once this way and
// writes the same bytes to every player.
func AppendChunks(dst []byte, m Message, chunkSize int) []byte {
	length := uint32(len(m.Payload))
	extended := m.Timestamp >= extendedTimestamp
	ts := m.Timestamp
	if extended {
		ts = extendedTimestamp
	}
	dst = appendBasicHeader(dst, 0, m.CSID)
	dst = append(dst, byte(ts>>16), byte(ts>>8), byte(ts), byte(length>>16), byte(length>>8), byte(length), m.TypeID)
	dst = binary.LittleEndian.AppendUint32(dst, m.StreamID)
	if extended {
		dst = binary.BigEndian.AppendUint32(dst, m.Timestamp)
	}
	p := m.Payload
	for first := true; first || len(p) > 0; first = false {
		if !first {
			dst = appendBasicHeader(dst, 3, m.CSID)
			if extended {
				dst = binary.BigEndian.AppendUint32(dst, m.Timestamp)
			}
		}
		n := min(len(p), chunkSize)
		dst = append(dst, p[:n]...)
		p = p[n:]
	}
	return dst
}

// wirePacket is what the server's hubs carry: a packet with its chunk
// encoding, shared by the players that can send it as it is.
type wirePacket struct {
	media.Packet
	wire *wireCache
}

// wireCache holds a packet's chunk encoding for one message stream id and
// chunk size, made once by whichever player needs it first.
type wireCache struct {
	streamID  uint32
	chunkSize int
	once      sync.Once
	b         []byte
}

// bytes returns p's encoding; p must be the packet the cache belongs to.
func (w *wireCache) bytes(p *media.Packet) []byte {
	w.once.Do(func() {
		m := MessageFromPacket(p)
		m.StreamID = w.streamID
		w.b = AppendChunks(make([]byte, 0, len(m.Payload)+len(m.Payload)/w.chunkSize*2+20), m, w.chunkSize)
	})
	return w.b
}

// forget makes the next message on csid go out with a full type-0 header,
// after bytes for that chunk stream were written around the ChunkWriter.
func (w *ChunkWriter) forget(csid uint32) { delete(w.streams, csid) }

// buffered reports bytes queued and not yet flushed.
func (w *ChunkWriter) buffered() int { return w.bw.Buffered() }
