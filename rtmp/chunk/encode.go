package chunk

import (
	"encoding/binary"
)

// Append appends m as RTMP chunks of chunkSize: a type-0 header (so
// the bytes do not depend on what was sent before on the chunk stream),
// then type-3 continuations, each repeating the extended timestamp when
// there is one. The server encodes each media message once this way and
// writes the same bytes to every player.
func Append(dst []byte, m Message, chunkSize int) []byte {
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

// Forget makes the next message on csid go out with a full type-0 header,
// after bytes for that chunk stream were written around the Writer.
func (w *Writer) Forget(csid uint32) {
	if csid < 64 {
		w.stale |= 1 << csid
		return
	}
	delete(w.streams, csid)
}

// Buffered reports bytes queued and not yet flushed.
func (w *Writer) Buffered() int { return w.bw.Buffered() }
