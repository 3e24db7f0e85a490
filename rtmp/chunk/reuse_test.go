package chunk

import (
	"bytes"
	"testing"
)

// reuseStream is n video messages of size bytes each on one chunk stream,
// the i-th filled with byte i, as a player receives them at chunk size 4096.
func reuseStream(t *testing.T, n, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, 128)
	if err := w.SetChunkSize(4096); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		m := Message{TypeID: TypeVideo, StreamID: 1, CSID: 6, Timestamp: uint32(33 * i), Payload: bytes.Repeat([]byte{byte(i)}, size)}
		if err := w.WriteMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReaderReusePayloads: with ReusePayloads, a chunk stream's messages
// arrive whole and right, in one buffer that the next message reuses, and
// reading one allocates nothing.
func TestReaderReusePayloads(t *testing.T) {
	const n, size = 80, 20000
	r := NewReader(bytes.NewReader(reuseStream(t, n, size)), Limits{})
	r.ReusePayloads()
	var first *byte
	read := 0
	next := func() {
		m, err := r.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", read, err)
		}
		if m.TypeID == TypeSetChunkSize {
			return
		}
		if len(m.Payload) != size || m.Payload[0] != byte(read) || m.Payload[size-1] != byte(read) || m.Timestamp != uint32(33*read) {
			t.Fatalf("message %d: %d bytes of %d, timestamp %d", read, len(m.Payload), m.Payload[0], m.Timestamp)
		}
		if first == nil {
			first = &m.Payload[0]
		} else if &m.Payload[0] != first {
			t.Fatalf("message %d is in a new buffer", read)
		}
		read++
	}
	for read < 10 {
		next()
	}
	if allocs := testing.AllocsPerRun(50, next); allocs != 0 {
		t.Errorf("reading a %d-byte message allocates %.1f times, want 0", size, allocs)
	}
}

// TestReaderKeepsPayloadsByDefault: without ReusePayloads every message
// has a buffer of its own, which the next one does not touch.
func TestReaderKeepsPayloadsByDefault(t *testing.T) {
	msgs, err := readAll(t, reuseStream(t, 3, 9000), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, m := range msgs {
		if m.TypeID != TypeVideo {
			continue
		}
		if !bytes.Equal(m.Payload, bytes.Repeat([]byte{byte(i)}, 9000)) {
			t.Errorf("message %d was overwritten", i)
		}
		i++
	}
	if i != 3 {
		t.Errorf("%d video messages, want 3", i)
	}
}
