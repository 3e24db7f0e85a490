package chunk

import (
	"bytes"
	"testing"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/internal/wiretest"
)

// fuzzLimits keeps fuzz iterations small and fast.
var fuzzLimits = Limits{MaxMessageSize: 1 << 16, MaxPendingBytes: 1 << 17, MaxChunkStreams: 8, AMF: amf0.Limits{MaxElements: 256, MaxString: 4096}}

func FuzzReader(f *testing.F) {
	var b wiretest.Wire
	b.Fmt0(2, 0, 4, TypeSetChunkSize, 0).U32(4096)
	b.Fmt0(3, 0, 5, TypeCommandAMF0, 0).Raw([]byte{2, 0, 2, 'o', 'k'})
	f.Add(b.Bytes())
	var ext wiretest.Wire
	ext.Fmt0(4, 0x1234567, 200, TypeVideo, 1).Fill(128, 1).Basic(3, 4).U32(0x1234567).Fill(72, 2).Basic(3, 4).U32(9).Fill(128, 3)
	f.Add(ext.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), fuzzLimits)
		var msgs []Message
		for {
			m, err := r.ReadMessage()
			if err != nil {
				break
			}
			if len(m.Payload) > fuzzLimits.MaxMessageSize {
				t.Fatalf("message of %d bytes passed the limit", len(m.Payload))
			}
			_, _ = ParseCommand(m, fuzzLimits)
			_, _ = PacketFromMessage(m)
			_, _, _ = ParseUserControl(m)
			if m.TypeID != TypeSetChunkSize && m.TypeID != TypeAbort {
				msgs = append(msgs, m)
			}
		}
		// A reader that reuses its payloads reads the same messages.
		rr := NewReader(bytes.NewReader(data), fuzzLimits)
		rr.ReusePayloads()
		for i, m := range msgs {
			m2, err := rr.ReadMessage()
			for err == nil && (m2.TypeID == TypeSetChunkSize || m2.TypeID == TypeAbort) {
				m2, err = rr.ReadMessage()
			}
			if err != nil || m2.TypeID != m.TypeID || m2.Timestamp != m.Timestamp || m2.CSID != m.CSID || !bytes.Equal(m2.Payload, m.Payload) {
				t.Fatalf("message %d differs when payloads are reused: %v", i, err)
			}
		}
		// Whatever was read, our writer re-sends identically.
		var buf bytes.Buffer
		w := NewWriter(&buf, 128)
		for _, m := range msgs {
			if err := w.WriteMessage(m); err != nil {
				t.Fatal(err)
			}
		}
		_ = w.Flush()
		r2 := NewReader(&buf, fuzzLimits)
		for i, m := range msgs {
			m2, err := r2.ReadMessage()
			if err != nil || m2.TypeID != m.TypeID || m2.StreamID != m.StreamID || m2.Timestamp != m.Timestamp || m2.CSID != m.CSID || !bytes.Equal(m2.Payload, m.Payload) {
				t.Fatalf("message %d does not survive a rewrite: %v", i, err)
			}
		}
	})
}

// roundTripPacket checks Message → Packet → Message → Packet is stable.
func roundTripPacket(t *testing.T, m Message) {
	p, err := PacketFromMessage(m)
	if err != nil {
		return
	}
	if p.Kind == media.KindVideo && (p.PTS-p.DTS < flv.MinCTS || p.PTS-p.DTS > flv.MaxCTS) {
		t.Fatalf("composition time %d", p.PTS-p.DTS)
	}
	p2, err := PacketFromMessage(MessageFromPacket(&p))
	if err != nil {
		t.Fatalf("re-encoded packet: %v", err)
	}
	if p2.Kind != p.Kind || p2.Header != p.Header || p2.Key != p.Key || p2.DTS != p.DTS || p2.PTS != p.PTS || !bytes.Equal(p2.Data, p.Data) {
		t.Fatalf("round trip: %+v → %+v", p, p2)
	}
}
