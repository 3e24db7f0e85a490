package rtmp

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// FLV tag types.
const (
	FLVTagAudio  uint8 = 8
	FLVTagVideo  uint8 = 9
	FLVTagScript uint8 = 18
)

// FLVTag is one tag of an FLV file.
type FLVTag struct {
	Type      uint8
	Timestamp uint32 // ms, with the extended byte applied
	Data      []byte // tag body, freshly allocated
}

// Message returns the tag as an RTMP message (for PacketFromMessage).
func (t FLVTag) Message() Message {
	return Message{TypeID: t.Type, Timestamp: t.Timestamp, Payload: t.Data}
}

// FLVReader reads the tags of an FLV file. Tag sizes are bounded by
// Limits.MaxMessageSize and buffers grow only as data arrives.
type FLVReader struct {
	br         *bufio.Reader
	lim        Limits
	headerDone bool
	hdr        [15]byte
}

// NewFLVReader returns a reader of the FLV file r.
func NewFLVReader(r io.Reader, lim Limits) *FLVReader {
	return &FLVReader{br: bufio.NewReaderSize(r, readBufferSize), lim: lim.WithDefaults()}
}

func (f *FLVReader) readHeader() error {
	h := f.hdr[:9]
	if _, err := io.ReadFull(f.br, h); err != nil {
		return fmt.Errorf("%w: FLV header: %w", ErrMalformed, unexpected(err))
	}
	if string(h[:3]) != "FLV" || h[3] != 1 {
		return fmt.Errorf("%w: not an FLV version 1 file", ErrMalformed)
	}
	off := binary.BigEndian.Uint32(h[5:9])
	if off < 9 || off > 1024 {
		return fmt.Errorf("%w: FLV header size %d", ErrMalformed, off)
	}
	// The rest of the header, then PreviousTagSize0.
	if _, err := f.br.Discard(int(off-9) + 4); err != nil {
		return fmt.Errorf("%w: FLV header: %w", ErrMalformed, unexpected(err))
	}
	f.headerDone = true
	return nil
}

// ReadTag returns the next tag, or io.EOF after the last one.
func (f *FLVReader) ReadTag() (FLVTag, error) {
	if !f.headerDone {
		if err := f.readHeader(); err != nil {
			return FLVTag{}, err
		}
	}
	h := f.hdr[:11]
	if _, err := io.ReadFull(f.br, h); err != nil {
		if errors.Is(err, io.EOF) {
			return FLVTag{}, io.EOF
		}
		return FLVTag{}, fmt.Errorf("%w: FLV tag header: %w", ErrMalformed, unexpected(err))
	}
	if h[0]&0x20 != 0 {
		return FLVTag{}, fmt.Errorf("%w: encrypted FLV tag", ErrUnsupported)
	}
	t := FLVTag{Type: h[0] & 0x1F}
	size := int(h[1])<<16 | int(h[2])<<8 | int(h[3])
	t.Timestamp = uint32(h[7])<<24 | uint32(h[4])<<16 | uint32(h[5])<<8 | uint32(h[6])
	if size > f.lim.MaxMessageSize {
		return FLVTag{}, fmt.Errorf("%w: FLV tag of %d bytes exceeds %d", ErrLimit, size, f.lim.MaxMessageSize)
	}
	data := make([]byte, 0, min(size, readBufferSize))
	for len(data) < size {
		piece := min(size-len(data), readBufferSize)
		start := len(data)
		data = growLen(data, piece, size)
		if _, err := io.ReadFull(f.br, data[start:]); err != nil {
			return FLVTag{}, fmt.Errorf("%w: FLV tag body: %w", ErrMalformed, unexpected(err))
		}
	}
	t.Data = data
	if _, err := io.ReadFull(f.br, f.hdr[:4]); err != nil && !errors.Is(err, io.EOF) {
		return FLVTag{}, fmt.Errorf("%w: FLV previous tag size: %w", ErrMalformed, unexpected(err))
	}
	return t, nil
}
