package program

import (
	"context"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/media"
)

// nextMedia waits up to d for the next audio or video frame on q (headers
// and metadata are skipped); ok is false when none came.
func nextMedia(t *testing.T, q *media.PacketQueue, d time.Duration) (media.Packet, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		p, err := q.Pop(ctx)
		if err != nil {
			return media.Packet{}, false
		}
		if !p.Header && p.Kind != media.KindData {
			return p, true
		}
	}
}

// An OnDemand program captures and previews but encodes nothing until
// SetEncoding(true); it then starts on a keyframe, pauses on
// SetEncoding(false) (readers joining then wait for the next keyframe,
// not pictures from before the pause), and resumes with decode times
// that keep increasing for a reader that stayed.
func TestProgramEncodesOnlyWhenAsked(t *testing.T) {
	preview := NewFrameMailbox(160, 90)
	cfg := Config{Video: "test", Audio: "test", Output: studioOutput(), Preview: preview, OnDemand: true}
	p, err := Open(cfg, capture.NewClock(), testpeer.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Metadata().Encoder == "OnAir Studio" {
		t.Errorf("onMetaData does not name the encoder while paused: %q", p.Metadata().Encoder)
	}
	q := p.Hub().Subscribe(media.QueueLimits{})
	defer p.Hub().Unsubscribe(q)

	// Paused: the preview moves, nothing is encoded.
	testpeer.WaitFor(t, 10*time.Second, "preview frames while the encoder is paused", func() bool { return preview.Seq() >= 5 })
	if pk, ok := nextMedia(t, q, 300*time.Millisecond); ok {
		t.Fatalf("a paused program sent %s at %d ms", pk.Kind, pk.DTS)
	}
	if p.Encoding() || p.stats.framesEncoded.Load() != 0 {
		t.Fatalf("encoding %v, %d frames encoded before SetEncoding(true)", p.Encoding(), p.stats.framesEncoded.Load())
	}

	p.SetEncoding(true)
	first, ok := nextMedia(t, q, 10*time.Second)
	for ok && first.Kind != media.KindVideo {
		first, ok = nextMedia(t, q, 10*time.Second)
	}
	if !ok || !first.Key {
		t.Fatalf("after SetEncoding(true) the first video frame is %+v (ok %v); want a keyframe", first, ok)
	}
	last := first.DTS
	for range 30 {
		pk, ok := nextMedia(t, q, 5*time.Second)
		if !ok {
			t.Fatal("the encoder stopped sending while asked to run")
		}
		last = max(last, pk.DTS)
	}

	p.SetEncoding(false)
	testpeer.WaitFor(t, 10*time.Second, "the encoder to pause", func() bool { return !p.Encoding() })
	for { // what the encoders flushed
		pk, ok := nextMedia(t, q, time.Second)
		if !ok {
			break
		}
		if pk.DTS < last-1000 {
			t.Fatalf("a flushed packet at %d ms, long before the last one (%d ms)", pk.DTS, last)
		}
		last = max(last, pk.DTS)
	}
	late := p.Hub().Subscribe(media.QueueLimits{})
	defer p.Hub().Unsubscribe(late)
	if pk, ok := nextMedia(t, late, 300*time.Millisecond); ok {
		t.Fatalf("a reader joining a paused program got %s at %d ms from before the pause", pk.Kind, pk.DTS)
	}

	p.SetEncoding(true)
	resumed, ok := nextMedia(t, q, 10*time.Second)
	if !ok {
		t.Fatal("no packet after resuming")
	}
	if resumed.DTS <= last {
		t.Errorf("after the pause, a packet at %d ms; the last before it was at %d ms", resumed.DTS, last)
	}
	lateFirst, ok := nextMedia(t, late, 10*time.Second)
	for ok && lateFirst.Kind != media.KindVideo {
		lateFirst, ok = nextMedia(t, late, 10*time.Second)
	}
	if !ok || !lateFirst.Key {
		t.Errorf("the reader that joined while paused starts with %+v; want the new encoder's keyframe", lateFirst)
	}
}

// studioOutput is a small, fast output: 640x360 ultrafast.
func studioOutput() OutputConfig {
	o := DefaultOutput()
	o.Width, o.Height, o.FPS, o.VideoBitrate, o.Preset = 640, 360, 30, 800_000, "ultrafast"
	return o
}
