package chunk

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

const (
	extendedTimestamp = 0xFFFFFF // timestamp field value announcing 4 more bytes
	// MaxCSID is the largest chunk stream id the 3-byte basic header can carry.
	MaxCSID        = 65599
	readBufferSize = 64 << 10
)

// Reader reassembles RTMP messages from the chunk stream of one
// connection. It enforces Limits on everything the peer controls, applies
// SetChunkSize and Abort itself, and never panics on malformed input: every
// violation is an error wrapping ErrProtocol or ErrLimit. Reads are buffered.
// A Reader is used by one goroutine; BytesRead and ChunkSize may be
// called from any goroutine.
type Reader struct {
	src       countingReader
	br        *bufio.Reader
	lim       Limits
	chunkSize atomic.Int64
	streams   map[uint32]*inStream
	pending   int // bytes held by partial messages
	hdr       [11]byte
	// reuse keeps each chunk stream's last payload buffer for its next
	// message (see ReusePayloads).
	reuse bool
}

// inStream is the receive state of one chunk stream.
type inStream struct {
	timestamp uint32 // absolute timestamp of the current or last message
	delta     uint32 // timestamp field of the last header (type-3 reuse)
	length    uint32
	typeID    uint8
	streamID  uint32
	extended  bool   // last header used the extended timestamp
	remaining uint32 // payload bytes still expected for the current message
	buf       []byte
	spare     []byte // the last message's buffer, kept when the Reader reuses payloads
}

// countingReader counts the bytes read from the connection, for
// acknowledgements and statistics.
type countingReader struct {
	r io.Reader
	n atomic.Uint64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(uint64(n))
	return n, err
}

// NewReader returns a reader of r with the default chunk size of 128 and a
// 64 KiB read buffer. Zero fields of lim take their defaults.
func NewReader(r io.Reader, lim Limits) *Reader { return NewReaderSize(r, lim, readBufferSize) }

// NewReaderSize is NewReader with a read buffer of bufSize bytes (at least
// 16): a server with many connections that mostly send little gives each a
// small one; payloads larger than the buffer are read past it.
func NewReaderSize(r io.Reader, lim Limits, bufSize int) *Reader {
	cr := &Reader{lim: lim.WithDefaults(), streams: map[uint32]*inStream{}}
	cr.src.r = r
	cr.br = bufio.NewReaderSize(&cr.src, bufSize)
	cr.chunkSize.Store(DefaultChunkSize)
	return cr
}

// ReusePayloads makes the Reader keep each chunk stream's payload buffer
// for the stream's next message instead of allocating one per message. A
// returned payload is then valid only until the next ReadMessage. It is for
// readers that look at each message and drop it: a load generator playing
// hundreds of 4.5 Mb/s streams otherwise allocates (and zeroes) every byte
// it receives, two to three times over while a large message grows.
func (r *Reader) ReusePayloads() { r.reuse = true }

// BytesRead returns the bytes read from the underlying reader so far.
func (r *Reader) BytesRead() uint64 { return r.src.n.Load() }

// Buffered returns how many bytes are read ahead and not yet parsed.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// ChunkSize returns the peer's current chunk size.
func (r *Reader) ChunkSize() int { return int(r.chunkSize.Load()) }

// waitData blocks until at least one byte can be read without consuming it.
func (r *Reader) WaitData() error {
	_, err := r.br.Peek(1)
	return err
}

// ReadMessage returns the next complete message. SetChunkSize and Abort are
// applied before they are returned; callers need not act on them. Messages
// of length zero are returned with an empty payload. At a clean end of stream
// it returns io.EOF; inside a chunk, io.ErrUnexpectedEOF.
func (r *Reader) ReadMessage() (Message, error) {
	for {
		m, ok, err := r.readChunk()
		if err != nil {
			return Message{}, err
		}
		if !ok {
			continue
		}
		if err := r.applyControl(m); err != nil {
			return Message{}, err
		}
		return m, nil
	}
}

// applyControl handles the protocol control messages that change how the
// chunk stream itself is parsed.
func (r *Reader) applyControl(m Message) error {
	switch m.TypeID {
	case TypeSetChunkSize:
		v, err := ParseUint32Payload(m)
		if err != nil {
			return err
		}
		if v&0x80000000 != 0 {
			return fmt.Errorf("%w: SetChunkSize with the reserved high bit set", ErrProtocol)
		}
		if err := checkChunkSize(int64(v)); err != nil {
			return err
		}
		r.chunkSize.Store(int64(v))
	case TypeAbort:
		v, err := ParseUint32Payload(m)
		if err != nil {
			return err
		}
		if s := r.streams[v]; s != nil && s.remaining > 0 {
			r.pending -= len(s.buf)
			s.buf, s.remaining = nil, 0
		}
	}
	return nil
}

// readChunk reads one chunk; ok reports that it completed a message.
func (r *Reader) readChunk() (m Message, ok bool, err error) {
	b0, err := r.br.ReadByte()
	if err != nil {
		if errors.Is(err, io.EOF) && r.pending == 0 {
			return m, false, io.EOF
		}
		return m, false, unexpected(err)
	}
	format := b0 >> 6
	csid, err := r.readCSID(b0 & 0x3F)
	if err != nil {
		return m, false, err
	}
	s, err := r.stream(csid, format)
	if err != nil {
		return m, false, err
	}
	if err := r.readHeader(s, csid, format); err != nil {
		return m, false, err
	}
	if s.remaining == 0 { // zero-length message: nothing follows the header
		return Message{TypeID: s.typeID, StreamID: s.streamID, Timestamp: s.timestamp, CSID: csid, Payload: []byte{}}, true, nil
	}
	n := min(int(s.remaining), r.ChunkSize())
	if r.pending+n > r.lim.MaxPendingBytes {
		return m, false, fmt.Errorf("%w: partial messages hold more than %d bytes", ErrLimit, r.lim.MaxPendingBytes)
	}
	// Grow the buffer as bytes arrive, never from the announced length:
	// memory follows what the peer really sent.
	for left := n; left > 0; {
		piece := min(left, readBufferSize)
		start := len(s.buf)
		s.buf = growLen(s.buf, piece, int(s.length))
		if _, err := io.ReadFull(r.br, s.buf[start:]); err != nil {
			return m, false, unexpected(err)
		}
		left -= piece
		r.pending += piece
	}
	s.remaining -= uint32(n)
	if s.remaining > 0 {
		return m, false, nil
	}
	m = Message{TypeID: s.typeID, StreamID: s.streamID, Timestamp: s.timestamp, CSID: csid, Payload: s.buf}
	r.pending -= len(s.buf)
	if r.reuse {
		s.spare = s.buf[:0]
	}
	s.buf = nil
	return m, true, nil
}

// growLen extends b by n bytes. Capacity doubles, never past the announced
// length (limit) unless len(b)+n needs it, so what a partial message holds
// is at most twice what the peer really sent.
func growLen(b []byte, n, limit int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), max(min(2*cap(b), limit), len(b)+n))
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// readCSID decodes the 1-, 2- or 3-byte basic header.
func (r *Reader) readCSID(low byte) (uint32, error) {
	switch low {
	case 0:
		b, err := r.br.ReadByte()
		if err != nil {
			return 0, unexpected(err)
		}
		return 64 + uint32(b), nil
	case 1:
		if _, err := io.ReadFull(r.br, r.hdr[:2]); err != nil {
			return 0, unexpected(err)
		}
		return 64 + uint32(r.hdr[0]) + uint32(r.hdr[1])<<8, nil
	}
	return uint32(low), nil
}

// stream returns the state of csid, creating it for a type-0 header.
func (r *Reader) stream(csid uint32, format byte) (*inStream, error) {
	if s := r.streams[csid]; s != nil {
		return s, nil
	}
	if format != 0 {
		return nil, fmt.Errorf("%w: chunk stream %d starts with a type-%d header", ErrProtocol, csid, format)
	}
	if len(r.streams) >= r.lim.MaxChunkStreams {
		return nil, fmt.Errorf("%w: more than %d chunk streams", ErrLimit, r.lim.MaxChunkStreams)
	}
	s := &inStream{}
	r.streams[csid] = s
	return s, nil
}

// readHeader reads the message header of a chunk of the given type and
// updates the stream state. For a new message it sets s.remaining.
func (r *Reader) readHeader(s *inStream, csid uint32, format byte) error {
	sizes := [4]int{11, 7, 3, 0}
	h := r.hdr[:sizes[format]]
	if _, err := io.ReadFull(r.br, h); err != nil {
		return unexpected(err)
	}
	mid := s.remaining > 0
	if format == 3 {
		if s.extended {
			// The extended timestamp is repeated in type-3 chunks when the
			// stream's last header used it.
			if _, err := io.ReadFull(r.br, r.hdr[:4]); err != nil {
				return unexpected(err)
			}
			if !mid {
				s.delta = binary.BigEndian.Uint32(r.hdr[:4])
			}
		}
		if !mid {
			s.timestamp += s.delta
			return r.startMessage(s, csid)
		}
		return nil
	}
	field := uint32(h[0])<<16 | uint32(h[1])<<8 | uint32(h[2])
	length, typeID, streamID := s.length, s.typeID, s.streamID
	if format <= 1 {
		length = uint32(h[3])<<16 | uint32(h[4])<<8 | uint32(h[5])
		typeID = h[6]
	}
	if format == 0 {
		streamID = binary.LittleEndian.Uint32(h[7:11])
	}
	extended := field == extendedTimestamp
	if extended {
		if _, err := io.ReadFull(r.br, r.hdr[:4]); err != nil {
			return unexpected(err)
		}
		field = binary.BigEndian.Uint32(r.hdr[:4])
	}
	if mid {
		// A full header inside a message is tolerated only if it
		// describes the same message; its timestamp is ignored.
		if length != s.length || typeID != s.typeID || streamID != s.streamID {
			return fmt.Errorf("%w: message length or type changed mid-message on chunk stream %d", ErrProtocol, csid)
		}
		s.extended = extended
		return nil
	}
	if format == 0 {
		s.timestamp = field
	} else {
		s.timestamp += field
	}
	s.delta, s.extended = field, extended
	s.length, s.typeID, s.streamID = length, typeID, streamID
	return r.startMessage(s, csid)
}

// startMessage checks the new message's length and arms reassembly.
func (r *Reader) startMessage(s *inStream, csid uint32) error {
	if int64(s.length) > int64(r.lim.MaxMessageSize) {
		return fmt.Errorf("%w: message of %d bytes on chunk stream %d exceeds %d", ErrLimit, s.length, csid, r.lim.MaxMessageSize)
	}
	s.remaining = s.length
	s.buf, s.spare = s.spare, nil
	return nil
}

// unexpected turns an EOF inside a chunk into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
