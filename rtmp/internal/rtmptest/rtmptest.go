// Package rtmptest holds what the tests of the RTMP clients (package rtmp)
// and of the server (rtmp/server) share: the sample clip's packets in
// publishing order, a debug logger that can be read back, AMF0 fixtures
// and a goroutine-leak check. It imports neither package under test.
package rtmptest

import (
	"log/slog"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// SampleFLV returns the packets of flv/testdata/sample.flv.
func SampleFLV(t testing.TB) []media.Packet {
	t.Helper()
	f, err := os.Open(testpeer.SampleFLV(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := flv.ReadPackets(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// OrderedForPublish puts the sequence headers first, as the studio sends
// them (AAC header, AVC header, then media), and leaves the metadata out.
func OrderedForPublish(pkts []media.Packet) []media.Packet {
	var heads, frames []media.Packet
	for _, p := range pkts {
		switch {
		case p.Kind == media.KindData:
		case p.Header && p.Kind == media.KindAudio:
			heads = append([]media.Packet{p}, heads...)
		case p.Header:
			heads = append(heads, p)
		default:
			frames = append(frames, p)
		}
	}
	return append(heads, frames...)
}

// DebugLogger returns a logger at debug level and the buffer it writes.
func DebugLogger() (*slog.Logger, *testpeer.SyncBuffer) {
	buf := &testpeer.SyncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// MustAMF encodes vals as AMF0, failing the test on an error.
func MustAMF(t testing.TB, vals ...any) []byte {
	t.Helper()
	b, err := amf0.Encode(vals...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CheckGoroutines fails the test if it leaves more goroutines running than
// it started with (after up to 3 s for them to end).
func CheckGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<16)
			t.Errorf("%d goroutines leaked:\n%s", n-before, buf[:runtime.Stack(buf, true)])
		}
	})
}

// Publishing is what PublishSample needs of a publisher (rtmp.Publisher).
type Publishing interface {
	WriteMetadata(media.Metadata) error
	WritePacket(*media.Packet) error
}

// PublishSample sends metadata, headers and the media of sample.flv.
func PublishSample(t *testing.T, p Publishing) {
	t.Helper()
	md := media.Metadata{Width: 320, Height: 240, FrameRate: 30, VideoBitrate: 400_000, AudioBitrate: 128_000,
		AudioSampleRate: 48000, AudioChannels: 2, HasVideo: true, HasAudio: true, Encoder: "OnAir Studio test"}
	if err := p.WriteMetadata(md); err != nil {
		t.Fatal(err)
	}
	pkts := OrderedForPublish(SampleFLV(t))
	for i := range pkts {
		if err := p.WritePacket(&pkts[i]); err != nil {
			t.Fatal(err)
		}
	}
}
