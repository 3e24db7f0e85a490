package forward

import (
	"context"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
)

// TestForwardAutoTranscodesHEVC: a restream told to re-encode only what is
// not H.264 (the window's) sends an HEVC camera on as H.264 and says so in
// its stats.
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
	// The camera sends until the destination has what the test reads (the
	// forward joins it at a keyframe, and x264 holds its lookahead), 100
	// loops of 10 frames at most.
	clip := testpeer.HEVCPackets(t)
	stopPub := make(chan struct{})
	pubDone := make(chan struct{})
	go func() {
		defer close(pubDone)
		defer pub.Close() // the source leaves: the forward flushes its encoder
		pub.Write(clip[0])
		for loop := range int64(100) {
			for _, p := range clip[1:] {
				p.DTS += loop * 1000
				p.PTS += loop * 1000
				pub.Write(p)
				select {
				case <-stopPub:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}
	}()
	defer func() { close(stopPub); <-pubDone }()

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
	if got, want := f.Stats().Transcoding, "HEVC re-encoded to H.264 at 300 kb/s"; !strings.HasPrefix(got, want) {
		t.Errorf("stats say %q, want %q", got, want)
	}
}

// The note on a transcoding forward says what its transcode costs, as a
// share of a core over the last second or more.
func TestTranscodeNoteSaysTheCost(t *testing.T) {
	tc, err := encode.NewTranscoder(encode.TranscodeConfig{Bitrate: 300_000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	for _, p := range testpeer.HEVCPackets(t) {
		if err := tc.Video(p, func(media.Packet) {}); err != nil {
			t.Fatal(err)
		}
	}
	f := &Forward{tc: tc, transcoding: "HEVC re-encoded to H.264 at 300 kb/s", cores: -1, cpuAt: time.Now().Add(-2 * time.Second)}
	note := f.transcodeNoteLocked(time.Now())
	if runtime.GOOS != "linux" {
		t.Skipf("no thread CPU time on %s; the note is %q", runtime.GOOS, note)
	}
	if !regexp.MustCompile(`^HEVC re-encoded to H\.264 at 300 kb/s, \d+\.\d\d of a core$`).MatchString(note) || f.cores <= 0 {
		t.Errorf("note %q (cores %v)", note, f.cores)
	}
}
