// Package wiretest builds raw RTMP chunk streams by hand, byte by byte, for
// tests that must send what no correct writer would: odd headers, bad
// lengths, hostile sizes. It imports nothing of the studio, so the chunk
// package's own tests use it too.
package wiretest

import (
	"bytes"
	"encoding/binary"
)

// ExtendedTimestamp is the 24-bit timestamp value that says a 32-bit one
// follows.
const ExtendedTimestamp = 0xFFFFFF

// Wire is a chunk stream under construction; each method appends and
// returns the Wire, so calls chain.
type Wire struct{ bytes.Buffer }

// Basic appends a basic header: format and chunk stream id in 1, 2 or 3
// bytes, as the id needs (ids 0 and 1 go out as the one byte they are,
// which a reader takes as the 2- and 3-byte forms).
func (w *Wire) Basic(format byte, csid uint32) *Wire {
	switch {
	case csid < 64:
		w.WriteByte(format<<6 | byte(csid))
	case csid < 320:
		w.Write([]byte{format << 6, byte(csid - 64)})
	default:
		w.Write([]byte{format<<6 | 1, byte(csid - 64), byte((csid - 64) >> 8)})
	}
	return w
}

// U24 appends a big-endian 24-bit value.
func (w *Wire) U24(v uint32) *Wire { w.Write([]byte{byte(v >> 16), byte(v >> 8), byte(v)}); return w }

// U32 appends a big-endian 32-bit value.
func (w *Wire) U32(v uint32) *Wire { w.Write(binary.BigEndian.AppendUint32(nil, v)); return w }

// LE32 appends a little-endian 32-bit value (the message stream id).
func (w *Wire) LE32(v uint32) *Wire { w.Write(binary.LittleEndian.AppendUint32(nil, v)); return w }

// U8 appends one byte.
func (w *Wire) U8(v byte) *Wire { w.WriteByte(v); return w }

// Raw appends b.
func (w *Wire) Raw(b []byte) *Wire { w.Write(b); return w }

// Fill appends n bytes of value c.
func (w *Wire) Fill(n int, c byte) *Wire { w.Write(bytes.Repeat([]byte{c}, n)); return w }

// Fmt0 appends a type-0 chunk header.
func (w *Wire) Fmt0(csid, ts, length uint32, typeID uint8, sid uint32) *Wire {
	w.Basic(0, csid)
	if ts >= ExtendedTimestamp {
		return w.U24(ExtendedTimestamp).U24(length).U8(typeID).LE32(sid).U32(ts)
	}
	return w.U24(ts).U24(length).U8(typeID).LE32(sid)
}
