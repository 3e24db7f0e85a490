package flv

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/seed7c1a73c4/onair/media"
)

// FLV tag types (the RTMP message types of the same bodies).
const (
	TagAudio  uint8 = 8
	TagVideo  uint8 = 9
	TagScript uint8 = 18
)

// DefaultMaxTagSize bounds a tag's body when NewReader is given 0 (8 MiB,
// the RTMP server's default message bound).
const DefaultMaxTagSize = 8 << 20

// readBufferSize is the reader's buffer, and the most a tag's body grows by
// before its bytes have arrived.
const readBufferSize = 64 << 10

// Tag is one tag of an FLV file.
type Tag struct {
	Type      uint8
	Timestamp uint32 // ms, with the extended byte applied
	Data      []byte // tag body, freshly allocated
}

// Packet converts the tag to a packet (see PacketFromTag).
func (t Tag) Packet() (media.Packet, error) { return PacketFromTag(t.Type, t.Timestamp, t.Data) }

// Reader reads the tags of an FLV file. Tag sizes are bounded and buffers
// grow only as data arrives.
type Reader struct {
	br         *bufio.Reader
	maxTag     int
	headerDone bool
	hdr        [15]byte
}

// NewReader returns a reader of the FLV file r whose tags are at most
// maxTag bytes (DefaultMaxTagSize when 0).
func NewReader(r io.Reader, maxTag int) *Reader {
	if maxTag <= 0 {
		maxTag = DefaultMaxTagSize
	}
	return &Reader{br: bufio.NewReaderSize(r, readBufferSize), maxTag: maxTag}
}

func (f *Reader) readHeader() error {
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
func (f *Reader) ReadTag() (Tag, error) {
	if !f.headerDone {
		if err := f.readHeader(); err != nil {
			return Tag{}, err
		}
	}
	h := f.hdr[:11]
	if _, err := io.ReadFull(f.br, h); err != nil {
		if errors.Is(err, io.EOF) {
			return Tag{}, io.EOF
		}
		return Tag{}, fmt.Errorf("%w: FLV tag header: %w", ErrMalformed, unexpected(err))
	}
	if h[0]&0x20 != 0 {
		return Tag{}, fmt.Errorf("%w: encrypted FLV tag", ErrUnsupported)
	}
	t := Tag{Type: h[0] & 0x1F}
	size := int(h[1])<<16 | int(h[2])<<8 | int(h[3])
	t.Timestamp = uint32(h[7])<<24 | uint32(h[4])<<16 | uint32(h[5])<<8 | uint32(h[6])
	if size > f.maxTag {
		return Tag{}, fmt.Errorf("%w: FLV tag of %d bytes exceeds %d", ErrLimit, size, f.maxTag)
	}
	// Grow only as bytes arrive: a header may claim 16 MiB and send none.
	var buf bytes.Buffer
	buf.Grow(min(size, readBufferSize))
	if _, err := io.CopyN(&buf, f.br, int64(size)); err != nil {
		return Tag{}, fmt.Errorf("%w: FLV tag body: %w", ErrMalformed, unexpected(err))
	}
	data := buf.Bytes()
	t.Data = data
	if _, err := io.ReadFull(f.br, f.hdr[:4]); err != nil && !errors.Is(err, io.EOF) {
		return Tag{}, fmt.Errorf("%w: FLV previous tag size: %w", ErrMalformed, unexpected(err))
	}
	return t, nil
}

// ReadPackets reads every media packet of an FLV stream (tags that carry
// no media, such as other script data, are skipped) until its end.
func ReadPackets(r io.Reader, maxTag int) ([]media.Packet, error) {
	fr := NewReader(r, maxTag)
	var out []media.Packet
	for {
		tag, err := fr.ReadTag()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		p, err := tag.Packet()
		if errors.Is(err, ErrNotMedia) {
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
}
