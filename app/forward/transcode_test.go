package forward

import (
	"context"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
)

// TestForwardAutoTranscodesHEVC: a restream told to re-encode only what is
// not H.264 (the window's) sends an HEVC camera on as H.264, says so in its
// stats, and keeps the source's times.
func TestForwardAutoTranscodesHEVC(t *testing.T) {
	log, logs := fwdLog()
	src, dst := fwdServer(t, log), fwdServer(t, log)
	spec, err := ParseSpec("live/cam=" + playURL(dst, "out"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Start(src, "live/cam", []dest.Destination{spec.Destination},
		Options{AutoTranscode: &encode.TranscodeConfig{Bitrate: 300_000, KeyInt: time.Second}}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	out, stop, err := dst.Watch("live/out", media.QueueLimits{MaxPackets: 1024, MaxBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	pub, err := src.PublishLocal("live/cam", "test")
	if err != nil {
		t.Fatal(err)
	}
	clip := testpeer.HEVCPackets(t)
	pub.Write(clip[0])
	for loop := range int64(5) { // 50 frames, 5 s of media
		for _, p := range clip[1:] {
			p.DTS += loop * 1000
			p.PTS += loop * 1000
			pub.Write(p)
		}
		if loop == 2 { // x264 hands out its first frames after its lookahead
			// The rest once the destination is live, so that it gets them
			// from the forward's hub rather than a GOP cache the source's
			// leaving has emptied.
			testpeer.WaitFor(t, 10*time.Second, "the destination to go live", func() bool {
				st := f.Stats()
				return len(st.Destinations) == 1 && st.Destinations[0].State == dest.StateLive
			})
		}
	}
	pub.Close() // the source leaves: the forward flushes its encoder

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var header bool
	frames := 0
	for frames < 40 {
		p, err := out.Pop(ctx)
		if err != nil {
			t.Fatalf("after %d H.264 frames at the destination: %v\n%s", frames, err, logs)
		}
		if p.Kind != media.KindVideo {
			continue
		}
		if p.Codec != media.CodecH264 {
			t.Fatalf("the destination got %s video", p.Codec)
		}
		if p.Header {
			if _, err := h264.ParseConfig(p.Data); err != nil {
				t.Fatalf("the destination's sequence header: %v", err)
			}
			header = true
			continue
		}
		frames++
	}
	if !header {
		t.Error("no H.264 sequence header reached the destination")
	}
	if got, want := f.Stats().Transcoding, "HEVC re-encoded to H.264 at 300 kb/s"; got != want {
		t.Errorf("stats say %q, want %q", got, want)
	}
}
