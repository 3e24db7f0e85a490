package rtmp

import (
	"bytes"
	"io"
	"testing"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// BenchmarkChunkWriter measures chunking a 50 KB video message at 4096-byte
// chunks into a buffered sink, flushed per message as the publisher does.
func BenchmarkChunkWriter(b *testing.B) {
	w := chunk.NewWriter(io.Discard, 4096)
	m := chunk.Message{TypeID: chunk.TypeVideo, StreamID: 1, CSID: chunk.CSIDVideo, Payload: make([]byte, 50_000)}
	b.SetBytes(int64(len(m.Payload)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Timestamp = uint32(i * 33)
		if err := w.WriteMessage(m); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChunkReader measures reassembling 50 KB video messages.
func BenchmarkChunkReader(b *testing.B) {
	var stream bytes.Buffer
	w := chunk.NewWriter(&stream, chunk.DefaultChunkSize)
	_ = w.SetChunkSize(4096)
	const n = 64
	for i := range n {
		_ = w.WriteMessage(chunk.Message{TypeID: chunk.TypeVideo, StreamID: 1, CSID: chunk.CSIDVideo, Timestamp: uint32(i * 33), Payload: make([]byte, 50_000)})
	}
	_ = w.Flush()
	data := stream.Bytes()
	b.SetBytes(int64(len(data)) / n)
	b.ReportAllocs()
	var r *chunk.Reader
	for i := 0; b.Loop(); i++ {
		if i%n == 0 {
			r = chunk.NewReader(bytes.NewReader(data), chunk.Limits{})
			if _, err := r.ReadMessage(); err != nil { // SetChunkSize
				b.Fatal(err)
			}
		}
		if _, err := r.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeAMF0Connect measures decoding a typical connect command.
func BenchmarkDecodeAMF0Connect(b *testing.B) {
	body := rtmptest.MustAMF(b, "connect", 1, amf0.Object{{Key: "app", Value: "live"}, {Key: "type", Value: "nonprivate"}, {Key: "flashVer", Value: flashVer},
		{Key: "swfUrl", Value: "rtmp://h/live"}, {Key: "tcUrl", Value: "rtmp://h/live"}, {Key: "fpad", Value: false}, {Key: "capabilities", Value: 15},
		{Key: "audioCodecs", Value: 4071}, {Key: "videoCodecs", Value: 252}, {Key: "videoFunction", Value: 1}})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := amf0.Decode(body, amf0.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
