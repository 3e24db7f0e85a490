package chunk

import (
	"bytes"
	"testing"
)

// TestAppendChunksReadsBack checks the shared encoding against our chunk
// reader: multi-chunk payloads, the three basic-header forms and extended
// timestamps (repeated in type-3 chunks).
func TestAppendChunksReadsBack(t *testing.T) {
	payload := bytes.Repeat([]byte{1, 2, 3, 4, 5}, 3000) // 15000 bytes: 4 chunks of 4096
	var wire []byte
	var want []Message
	for _, ts := range []uint32{0, 40, 0xFFFFFE, 0xFFFFFF, 0x12345678} {
		for _, csid := range []uint32{CSIDVideo, 100, 400} {
			m := Message{TypeID: TypeVideo, StreamID: 1, Timestamp: ts, CSID: csid, Payload: payload}
			wire = Append(wire, m, 4096)
			want = append(want, m)
		}
	}
	// The reader starts at chunk size 128: tell it 4096 first.
	r := NewReader(bytes.NewReader(append(Append(nil, SetChunkSizeMessage(4096), 128), wire...)), Limits{})
	if _, err := r.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		m, err := r.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if m.Timestamp != w.Timestamp || m.CSID != w.CSID || m.StreamID != 1 || !bytes.Equal(m.Payload, payload) {
			t.Fatalf("message %d: ts %d csid %d stream %d len %d, want ts %d csid %d", i, m.Timestamp, m.CSID, m.StreamID, len(m.Payload), w.Timestamp, w.CSID)
		}
	}
}
