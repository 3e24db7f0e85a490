package chunk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/internal/wiretest"
)

func readAll(t *testing.T, b []byte, lim Limits) ([]Message, error) {
	t.Helper()
	r := NewReader(bytes.NewReader(b), lim)
	var out []Message
	for {
		m, err := r.ReadMessage()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}

func TestChunkRoundTrip(t *testing.T) {
	payload := func(n int, seed byte) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = seed + byte(i*7)
		}
		return b
	}
	var msgs []Message
	csids := []uint32{2, 3, 63, 64, 65, 319, 320, 321, 1000, 65599}
	sizes := []int{0, 1, 127, 128, 129, 300, 4096, 4097, 70000}
	stamps := []uint32{0, 33, 0xFFFFFE, 0xFFFFFF, 0x1000000, 0xFFFFFFF0, 0xFFFFFFFF, 0x10, 0x20}
	i := 0
	for _, csid := range csids {
		for j, size := range sizes {
			msgs = append(msgs, Message{
				TypeID: TypeVideo, StreamID: uint32(j % 3), Timestamp: stamps[i%len(stamps)],
				CSID: csid, Payload: payload(size, byte(i)),
			})
			i++
		}
	}
	for _, chunkSize := range []int{128, 129, 4096, 1 << 16} {
		t.Run(fmt.Sprint(chunkSize), func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf, DefaultChunkSize)
			if chunkSize != DefaultChunkSize {
				if err := w.SetChunkSize(chunkSize); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range msgs {
				if err := w.WriteMessage(m); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if w.BytesWritten() != uint64(buf.Len()) {
				t.Fatalf("BytesWritten %d, wrote %d", w.BytesWritten(), buf.Len())
			}
			got, err := readAll(t, buf.Bytes(), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if chunkSize != DefaultChunkSize {
				if got[0].TypeID != TypeSetChunkSize {
					t.Fatalf("first message type %d", got[0].TypeID)
				}
				got = got[1:]
			}
			if len(got) != len(msgs) {
				t.Fatalf("got %d messages, want %d", len(got), len(msgs))
			}
			for k := range msgs {
				a, b := msgs[k], got[k]
				if a.TypeID != b.TypeID || a.StreamID != b.StreamID || a.Timestamp != b.Timestamp || a.CSID != b.CSID || !bytes.Equal(a.Payload, b.Payload) {
					t.Fatalf("message %d: got {type %d sid %d ts %#x csid %d len %d}, want {type %d sid %d ts %#x csid %d len %d}",
						k, b.TypeID, b.StreamID, b.Timestamp, b.CSID, len(b.Payload), a.TypeID, a.StreamID, a.Timestamp, a.CSID, len(a.Payload))
				}
			}
		})
	}
}

func TestChunkExtendedTimestampInType3(t *testing.T) {
	const ts = 0x01234567
	var want wiretest.Wire
	want.Fmt0(4, ts, 200, TypeVideo, 1).Fill(128, 'a').Basic(3, 4).U32(ts).Fill(72, 'b')

	// Our writer produces exactly this layout.
	var buf bytes.Buffer
	w := NewWriter(&buf, 128)
	p := append(bytes.Repeat([]byte{'a'}, 128), bytes.Repeat([]byte{'b'}, 72)...)
	if err := w.WriteMessage(Message{TypeID: TypeVideo, StreamID: 1, Timestamp: ts, CSID: 4, Payload: p}); err != nil {
		t.Fatal(err)
	}
	_ = w.Flush()
	if !bytes.Equal(buf.Bytes(), want.Bytes()) {
		t.Fatalf("writer layout differs:\n got %x\nwant %x", buf.Bytes(), want.Bytes())
	}
	got, err := readAll(t, want.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Timestamp != ts || !bytes.Equal(got[0].Payload, p) {
		t.Fatalf("got %+v", got)
	}
}

func TestChunkHeaderCompressionAndDeltas(t *testing.T) {
	var b wiretest.Wire
	b.Fmt0(5, 100, 3, TypeAudio, 1).Raw([]byte("abc"))
	b.Basic(1, 5).U24(33).U24(2).U8(TypeAudio).Raw([]byte("de")) // ts 133
	b.Basic(3, 5).Raw([]byte("fg"))                              // new message, ts 166
	b.Basic(2, 5).U24(10).Raw([]byte("hi"))                      // ts 176
	b.Basic(3, 5).Raw([]byte("jk"))                              // ts 186
	// Extended delta in a type-2 header, reused by a type-3 new message.
	b.Basic(2, 5).U24(extendedTimestamp).U32(0x01000000).Raw([]byte("lm"))
	b.Basic(3, 5).U32(0x01000000).Raw([]byte("no"))
	got, err := readAll(t, b.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []uint32{100, 133, 166, 176, 186, 186 + 0x01000000, 186 + 2*0x01000000}
	if len(got) != len(want) {
		t.Fatalf("got %d messages", len(got))
	}
	for i, m := range got {
		if m.Timestamp != want[i] || m.StreamID != 1 || m.TypeID != TypeAudio {
			t.Errorf("message %d: ts %d sid %d type %d, want ts %d", i, m.Timestamp, m.StreamID, m.TypeID, want[i])
		}
	}

	// The writer compresses: same stream, forward time → type 1, then type 2.
	var buf bytes.Buffer
	w := NewWriter(&buf, 128)
	for i, ts := range []uint32{1000, 1033, 1066} {
		_ = w.WriteMessage(Message{TypeID: TypeVideo, StreamID: 1, Timestamp: ts, CSID: 6, Payload: make([]byte, 10+min(i, 1))})
	}
	_ = w.Flush()
	if hdr := buf.Bytes()[0] >> 6; hdr != 0 {
		t.Fatalf("first header type %d", hdr)
	}
	if hdr := buf.Bytes()[12+10] >> 6; hdr != 1 {
		t.Fatalf("second header type %d", hdr)
	}
	if hdr := buf.Bytes()[12+10+8+11] >> 6; hdr != 2 || buf.Len() != 12+10+8+11+4+11 {
		t.Fatalf("third header type %d", hdr)
	}
}

func TestChunkTimestampWrap(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, 128)
	stamps := []uint32{0xFFFFFF00, 0xFFFFFFF0, 0x00000010, 0x00000100}
	for _, ts := range stamps {
		_ = w.WriteMessage(Message{TypeID: TypeAudio, StreamID: 1, Timestamp: ts, CSID: 4, Payload: []byte{1}})
	}
	_ = w.Flush()
	got, err := readAll(t, buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var u media.TimestampUnwrapper
	wantExt := []int64{0xFFFFFF00, 0xFFFFFFF0, 1<<32 + 0x10, 1<<32 + 0x100}
	for i, m := range got {
		if m.Timestamp != stamps[i] {
			t.Fatalf("message %d ts %#x", i, m.Timestamp)
		}
		if e := u.Unwrap(m.Timestamp); e != wantExt[i] {
			t.Fatalf("unwrap %d = %#x, want %#x", i, e, wantExt[i])
		}
	}
	if e := u.Unwrap(0xFFFFFFF0); e != 1<<32-0x10 {
		t.Fatalf("small step back across the wrap: %#x", e)
	}
	if media.WrapTimestamp(1<<32+5) != 5 || media.WrapTimestamp(-3) != 0 {
		t.Fatal("WrapTimestamp")
	}
}

func TestChunkZeroLengthAndAbort(t *testing.T) {
	var b wiretest.Wire
	b.Fmt0(3, 0, 0, TypeCommandAMF0, 0) // empty message
	b.Basic(3, 3)                       // another empty one, type-3
	b.Fmt0(4, 7, 300, TypeVideo, 1).Fill(128, 'x')
	b.Fmt0(2, 0, 4, TypeAbort, 0).U32(4) // drop the partial message on 4
	b.Fmt0(4, 9, 5, TypeVideo, 1).Raw([]byte("hello"))
	got, err := readAll(t, b.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || len(got[0].Payload) != 0 || len(got[1].Payload) != 0 || got[2].TypeID != TypeAbort || string(got[3].Payload) != "hello" {
		t.Fatalf("got %+v", got)
	}
}

func TestChunkSetChunkSizeFromPeer(t *testing.T) {
	var b wiretest.Wire
	b.Fmt0(2, 0, 4, TypeSetChunkSize, 0).U32(4096)
	b.Fmt0(6, 0, 4000, TypeVideo, 1).Fill(4000, 'v')
	r := NewReader(bytes.NewReader(b.Bytes()), Limits{})
	for range 2 {
		if _, err := r.ReadMessage(); err != nil {
			t.Fatal(err)
		}
	}
	if r.ChunkSize() != 4096 || r.BytesRead() != uint64(b.Len()) {
		t.Fatalf("chunk size %d, bytes read %d of %d", r.ChunkSize(), r.BytesRead(), b.Len())
	}
}

func TestChunkReaderMalformed(t *testing.T) {
	tiny := Limits{MaxMessageSize: 1000, MaxChunkStreams: 3, MaxPendingBytes: 300}
	setChunk := func(v uint32) []byte {
		var b wiretest.Wire
		return b.Fmt0(2, 0, 4, TypeSetChunkSize, 0).U32(v).Bytes()
	}
	cases := []struct {
		name string
		in   func(*wiretest.Wire)
		lim  Limits
		want error
		text string
	}{
		{"type-1 on fresh csid", func(b *wiretest.Wire) { b.Basic(1, 5).U24(0).U24(1).U8(8).U8(0) }, Limits{}, ErrProtocol, "starts with a type-1 header"},
		{"type-2 on fresh csid", func(b *wiretest.Wire) { b.Basic(2, 5).U24(0).U8(0) }, Limits{}, ErrProtocol, "type-2"},
		{"type-3 on fresh csid", func(b *wiretest.Wire) { b.Basic(3, 5).U8(0) }, Limits{}, ErrProtocol, "type-3"},
		{"type-3 on fresh 3-byte csid", func(b *wiretest.Wire) { b.Basic(3, 40000) }, Limits{}, ErrProtocol, "40000"},
		{"length change mid-message", func(b *wiretest.Wire) {
			b.Fmt0(4, 0, 300, TypeVideo, 1).Fill(128, 'a').Basic(1, 4).U24(0).U24(200).U8(TypeVideo).Fill(128, 'b')
		}, Limits{}, ErrProtocol, "changed mid-message"},
		{"too many chunk streams", func(b *wiretest.Wire) {
			for c := uint32(3); c < 7; c++ {
				b.Fmt0(c, 0, 1, TypeAudio, 1).U8(0)
			}
		}, tiny, ErrLimit, "more than 3 chunk streams"},
		{"message too large", func(b *wiretest.Wire) { b.Fmt0(4, 0, 1001, TypeVideo, 1) }, tiny, ErrLimit, "exceeds 1000"},
		{"default max message", func(b *wiretest.Wire) { b.Fmt0(4, 0, 0xFFFFFF, TypeVideo, 1) }, Limits{}, ErrLimit, "exceeds 8388608"},
		{"pending bytes", func(b *wiretest.Wire) {
			b.Fmt0(4, 0, 900, TypeVideo, 1).Fill(128, 'a').Fmt0(5, 0, 900, TypeVideo, 1).Fill(128, 'a').Fmt0(6, 0, 900, TypeVideo, 1).Fill(128, 'a')
		}, tiny, ErrLimit, "partial messages"},
		{"chunk size 0", func(b *wiretest.Wire) { b.Raw(setChunk(0)) }, Limits{}, ErrProtocol, "chunk size 0 below 128"},
		{"chunk size 1", func(b *wiretest.Wire) { b.Raw(setChunk(1)) }, Limits{}, ErrProtocol, "chunk size 1 below 128"},
		{"chunk size 127", func(b *wiretest.Wire) { b.Raw(setChunk(127)) }, Limits{}, ErrProtocol, "chunk size 127 below 128"},
		{"chunk size high bit", func(b *wiretest.Wire) { b.Raw(setChunk(0x80001000)) }, Limits{}, ErrProtocol, "high bit"},
		{"chunk size too big", func(b *wiretest.Wire) { b.Raw(setChunk(MaxChunkSize + 1)) }, Limits{}, ErrLimit, "above"},
		{"chunk size short body", func(b *wiretest.Wire) { b.Fmt0(2, 0, 2, TypeSetChunkSize, 0).U8(0).U8(1) }, Limits{}, ErrProtocol, "has 2 bytes"},
		{"abort short body", func(b *wiretest.Wire) { b.Fmt0(2, 0, 1, TypeAbort, 0).U8(4) }, Limits{}, ErrProtocol, "has 1 bytes"},
		{"truncated header", func(b *wiretest.Wire) { b.Basic(0, 4).U24(0) }, Limits{}, io.ErrUnexpectedEOF, ""},
		{"truncated 3-byte csid", func(b *wiretest.Wire) { b.U8(1).U8(1) }, Limits{}, io.ErrUnexpectedEOF, ""},
		{"truncated payload", func(b *wiretest.Wire) { b.Fmt0(4, 0, 100, TypeVideo, 1).Fill(50, 'a') }, Limits{}, io.ErrUnexpectedEOF, ""},
		{"truncated between chunks", func(b *wiretest.Wire) { b.Fmt0(4, 0, 300, TypeVideo, 1).Fill(128, 'a') }, Limits{}, io.ErrUnexpectedEOF, ""},
		{"truncated ext timestamp in type 3", func(b *wiretest.Wire) {
			b.Fmt0(4, 0x1000000, 300, TypeVideo, 1).Fill(128, 'a').Basic(3, 4).U8(1)
		}, Limits{}, io.ErrUnexpectedEOF, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b wiretest.Wire
			c.in(&b)
			_, err := readAll(t, b.Bytes(), c.lim)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.text != "" && !bytes.Contains([]byte(err.Error()), []byte(c.text)) {
				t.Fatalf("err %q does not mention %q", err, c.text)
			}
		})
	}
}

// countingSource counts Read calls.
type countingSource struct {
	r     io.Reader
	calls int
}

func (c *countingSource) Read(p []byte) (int, error) { c.calls++; return c.r.Read(p) }

func TestChunkReaderIsBuffered(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, 128)
	for i := range 1000 {
		_ = w.WriteMessage(Message{TypeID: TypeAudio, StreamID: 1, Timestamp: uint32(i * 21), CSID: 4, Payload: make([]byte, 300)})
	}
	_ = w.Flush()
	src := &countingSource{r: &buf}
	r := NewReader(src, Limits{})
	for range 1000 {
		if _, err := r.ReadMessage(); err != nil {
			t.Fatal(err)
		}
	}
	if src.calls > 20 {
		t.Fatalf("%d read calls for 1000 messages of 3 chunks", src.calls)
	}
}

func TestChunkWriterRejects(t *testing.T) {
	w := NewWriter(io.Discard, 128)
	if err := w.WriteMessage(Message{CSID: 1}); err == nil {
		t.Fatal("csid 1 accepted")
	}
	if err := w.WriteMessage(Message{CSID: 65600}); err == nil {
		t.Fatal("csid 65600 accepted")
	}
	if err := w.SetChunkSize(100); !errors.Is(err, ErrProtocol) {
		t.Fatalf("SetChunkSize(100) = %v", err)
	}
	if err := w.SetChunkSize(MaxChunkSize + 1); !errors.Is(err, ErrLimit) {
		t.Fatalf("SetChunkSize(big) = %v", err)
	}
}

// Announcing 8 MiB messages on every chunk stream costs the peer a few
// bytes each; it must not cost us 8 MiB each.
func TestChunkReaderLengthBomb(t *testing.T) {
	var b wiretest.Wire
	for c := uint32(3); c < 3+32; c++ {
		b.Fmt0(c, 0, 8<<20, TypeVideo, 1).Fill(128, 'x')
	}
	var err error
	alloc := testpeer.AllocDuring(func() { _, err = readAll(t, b.Bytes(), Limits{}) })
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v", err)
	}
	if alloc > 4<<20 {
		t.Fatalf("allocated %d bytes for %d bytes of input", alloc, b.Len())
	}
}
