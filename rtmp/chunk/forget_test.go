package chunk

import (
	"bytes"
	"testing"
)

// TestWriterForgetSendsAFullHeader: after Forget, the next message on that
// chunk stream has a type-0 header (its bytes went around the Writer, so
// the peer's header state is not the Writer's), and the one after it is
// compressed again; other chunk streams keep their compression. Chunk
// streams below 64 (a bit) and above (the map) behave alike.
func TestWriterForgetSendsAFullHeader(t *testing.T) {
	for _, csid := range []uint32{6, 63, 64, 300} {
		var buf bytes.Buffer
		w := NewWriter(&buf, 4096)
		format := func(ts uint32, id uint32) byte {
			t.Helper()
			buf.Reset()
			if err := w.WriteMessage(Message{TypeID: TypeVideo, StreamID: 1, CSID: id, Timestamp: ts, Payload: []byte{1, 2, 3}}); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()[0] >> 6
		}
		if f := format(0, csid); f != 0 {
			t.Fatalf("csid %d: first message has a type-%d header", csid, f)
		}
		if f := format(33, csid); f == 0 {
			t.Fatalf("csid %d: the second message was not compressed", csid)
		}
		format(0, 5) // another chunk stream
		w.Forget(csid)
		if f := format(66, csid); f != 0 {
			t.Errorf("csid %d: after Forget, a type-%d header", csid, f)
		}
		if f := format(99, csid); f == 0 {
			t.Errorf("csid %d: the message after the full header was not compressed", csid)
		}
		if f := format(33, 5); f == 0 {
			t.Errorf("csid %d: Forget reset chunk stream 5 too", csid)
		}
	}
}
