package chunk

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"sync/atomic"
)

const writeBufferSize = 64 << 10

// Writer splits messages into chunks. The first chunk of a message gets
// a type-0 header, or a compressed type-1/2 header when the chunk stream's
// previous message allows it; continuation chunks get type-3 headers, which
// repeat the extended timestamp when the message uses one. Output is buffered:
// nothing reaches the connection before Flush (or before the buffer fills).
// A Writer is not safe for concurrent use; BytesWritten is.
type Writer struct {
	dst       countingWriter
	bw        *bufio.Writer
	chunkSize int
	streams   map[uint32]*outStream
	// stale marks the chunk streams below 64 that had bytes written around
	// the Writer since its last message on them (Forget): their next
	// message gets a full header. A bit costs the fan-out less than a map
	// lookup per packet and player.
	stale uint64
	hdr   [18]byte
}

// outStream remembers the last header sent on a chunk stream.
type outStream struct {
	timestamp uint32
	length    uint32
	typeID    uint8
	streamID  uint32
}

// countingWriter counts the bytes written to the connection.
type countingWriter struct {
	w io.Writer
	n atomic.Uint64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(uint64(n))
	return n, err
}

// NewWriter returns a writer to w that splits messages into chunks of
// chunkSize bytes, with a 64 KiB write buffer. It does not announce the
// size: pass DefaultChunkSize (128) and call SetChunkSize to change it, or
// announce it yourself.
func NewWriter(w io.Writer, chunkSize int) *Writer {
	return NewWriterSize(w, chunkSize, writeBufferSize)
}

// NewWriterSize is NewWriter with a write buffer of bufSize bytes: a server
// whose players get most of their media as shared encodings (written past
// the buffer) gives each connection a small one.
func NewWriterSize(w io.Writer, chunkSize, bufSize int) *Writer {
	cw := &Writer{chunkSize: chunkSize, streams: map[uint32]*outStream{}}
	if cw.chunkSize <= 0 {
		cw.chunkSize = DefaultChunkSize
	}
	cw.dst.w = w
	cw.bw = bufio.NewWriterSize(&cw.dst, bufSize)
	return cw
}

// ChunkSize returns the chunk size used for outgoing messages.
func (w *Writer) ChunkSize() int { return w.chunkSize }

// BytesWritten returns the bytes handed to the underlying writer so far.
func (w *Writer) BytesWritten() uint64 { return w.dst.n.Load() }

// SetChunkSize queues a SetChunkSize message announcing n and uses n for
// every later message. n must be within MinChunkSize..MaxChunkSize.
func (w *Writer) SetChunkSize(n int) error {
	if err := checkChunkSize(int64(n)); err != nil {
		return err
	}
	if err := w.WriteMessage(SetChunkSizeMessage(uint32(n))); err != nil {
		return err
	}
	w.chunkSize = n
	return nil
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.bw.Flush() }

// WriteMessage queues m as chunks on chunk stream m.CSID (2..65599). The
// payload is copied; m may be reused once WriteMessage returns.
func (w *Writer) WriteMessage(m Message) error {
	if m.CSID < 2 || m.CSID > MaxCSID {
		return fmt.Errorf("rtmp: chunk stream id %d outside 2..%d", m.CSID, MaxCSID)
	}
	if len(m.Payload) > MaxWireMessageSize {
		return fmt.Errorf("%w: message of %d bytes is too large for RTMP", ErrLimit, len(m.Payload))
	}
	length := uint32(len(m.Payload))
	s := w.streams[m.CSID]
	forgotten := m.CSID < 64 && w.stale&(1<<m.CSID) != 0
	if forgotten {
		w.stale &^= 1 << m.CSID
	}
	format, field := byte(0), m.Timestamp
	if s != nil && !forgotten && s.streamID == m.StreamID {
		if delta := m.Timestamp - s.timestamp; int32(delta) >= 0 && delta < extendedTimestamp {
			format, field = 1, delta
			if s.length == length && s.typeID == m.TypeID {
				format = 2
			}
		}
	}
	if s == nil {
		s = &outStream{}
		w.streams[m.CSID] = s
	}
	*s = outStream{timestamp: m.Timestamp, length: length, typeID: m.TypeID, streamID: m.StreamID}

	extended := field >= extendedTimestamp
	h := appendBasicHeader(w.hdr[:0], format, m.CSID)
	ts := field
	if extended {
		ts = extendedTimestamp
	}
	h = append(h, byte(ts>>16), byte(ts>>8), byte(ts))
	if format <= 1 {
		h = append(h, byte(length>>16), byte(length>>8), byte(length), m.TypeID)
	}
	if format == 0 {
		h = binary.LittleEndian.AppendUint32(h, m.StreamID)
	}
	if extended {
		h = binary.BigEndian.AppendUint32(h, field)
	}
	if _, err := w.bw.Write(h); err != nil {
		return err
	}
	p := m.Payload
	for first := true; first || len(p) > 0; first = false {
		if !first {
			h = appendBasicHeader(w.hdr[:0], 3, m.CSID)
			if extended {
				h = binary.BigEndian.AppendUint32(h, field)
			}
			if _, err := w.bw.Write(h); err != nil {
				return err
			}
		}
		n := min(len(p), w.chunkSize)
		if _, err := w.bw.Write(p[:n]); err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

// appendBasicHeader appends the 1-, 2- or 3-byte basic header.
func appendBasicHeader(b []byte, format byte, csid uint32) []byte {
	switch {
	case csid < 64:
		return append(b, format<<6|byte(csid))
	case csid < 320:
		return append(b, format<<6, byte(csid-64))
	default:
		v := csid - 64
		return append(b, format<<6|1, byte(v), byte(v>>8))
	}
}
