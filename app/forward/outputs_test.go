package forward

import (
	"context"
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// TestForwardDecodesOnceForEveryOutput: one HEVC camera forwarded in three
// outputs (re-encoded at two sizes and bitrates, and as it is) is read
// through one watch and decoded by one decoder, and each destination gets
// its own stream: H.264 at its size, or the HEVC itself.
func TestForwardDecodesOnceForEveryOutput(t *testing.T) {
	log, logs := fwdLog()
	src, dst := fwdServer(t, log), fwdServer(t, log)
	f, err := StartOutputs(src, "live/cam", []Output{
		{Dests: []dest.Destination{fwdTarget(t, dst, "big")}, Transcode: &encode.TranscodeConfig{Bitrate: 400_000, KeyInt: time.Second}},
		{Dests: []dest.Destination{fwdTarget(t, dst, "small")}, Transcode: &encode.TranscodeConfig{Width: 160, Height: 96, Bitrate: 100_000, KeyInt: time.Second}},
		{Dests: []dest.Destination{fwdTarget(t, dst, "same")}},
	}, Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	outs := map[string]media.Reader{"big": fwdWatch(t, dst, "big"), "small": fwdWatch(t, dst, "small"), "same": fwdWatch(t, dst, "same")}

	stopPub := publishHEVCLoop(t, src)
	defer stopPub()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for name, q := range outs {
		codec, size, frames := readFrames(ctx, t, q, 30)
		if frames < 30 {
			t.Fatalf("%s: %d frames\n%s", name, frames, logs)
		}
		want := map[string]string{"big": "H.264 160x120", "small": "H.264 160x96", "same": "HEVC "}[name]
		got := codecName(codec) + " " + size
		t.Logf("%s: %s, %d frames", name, got, frames)
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s got %q, want %q", name, got, want)
		}
	}
	if n := players(src, "live/cam"); n != 1 {
		t.Errorf("%d readers of the source on the server, want 1 for the three outputs", n)
	}
	if n := f.decoders.Load(); n != 1 {
		t.Errorf("%d decoders, want 1 for the two re-encoding outputs", n)
	}
	if got, want := f.Stats().Transcoding, "HEVC decoded once"; !strings.HasPrefix(got, want) {
		t.Errorf("stats say %q, want %q…", got, want)
	}
	if d := f.Stats().Destinations; len(d) != 3 {
		t.Errorf("stats list %d destinations, want 3", len(d))
	}
}

// TestForwardReencodesOnlyForWhoNeedsIt: an HEVC camera forwarded to a
// destination that takes HEVC and to one that does not goes to the first as
// it is and to the second re-encoded, and the stats say which is which.
func TestForwardReencodesOnlyForWhoNeedsIt(t *testing.T) {
	log, logs := fwdLog()
	src, dst := fwdServer(t, log), fwdServer(t, log)
	f, err := StartOutputs(src, "live/cam", []Output{
		{Dests: []dest.Destination{fwdTarget(t, dst, "hevc")}, Takes: []media.Codec{media.CodecHEVC}},
		{Dests: []dest.Destination{fwdTarget(t, dst, "h264")}},
	}, Options{AutoTranscode: &encode.TranscodeConfig{Bitrate: 300_000, KeyInt: time.Second}}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	hevc, h264 := fwdWatch(t, dst, "hevc"), fwdWatch(t, dst, "h264")
	defer publishHEVCLoop(t, src)()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for name, c := range map[media.Reader]media.Codec{hevc: media.CodecHEVC, h264: media.CodecH264} {
		got, _, frames := readFrames(ctx, t, name, 20)
		if frames < 20 || got != c {
			t.Fatalf("%d frames of %s, want 20 of %s\n%s", frames, got, c, logs)
		}
	}
	if got, want := f.Stats().Transcoding, "HEVC re-encoded to H.264 at 300 kb/s for h264"; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "; as it is to hevc") {
		t.Errorf("stats say %q, want %q…; as it is to hevc", got, want)
	}
	if n := f.decoders.Load(); n != 1 {
		t.Errorf("%d decoders, want 1", n)
	}
}

// fwdTarget is a destination of live/NAME on dst, named NAME.
func fwdTarget(t *testing.T, dst *server.Server, name string) dest.Destination {
	t.Helper()
	spec, err := ParseSpec("live/cam=" + playURL(dst, name))
	if err != nil {
		t.Fatal(err)
	}
	spec.Destination.Name = name
	return spec.Destination
}

// fwdWatch reads live/NAME on srv in-process until the test ends.
func fwdWatch(t *testing.T, srv *server.Server, name string) media.Reader {
	t.Helper()
	q, stop, err := srv.Watch("live/"+name, media.QueueLimits{MaxPackets: 4096, MaxBytes: 32 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return q
}

// publishHEVCLoop publishes the HEVC sample clip to live/cam, looped with
// 5 ms between frames, until the returned stop (at most 100 loops).
func publishHEVCLoop(t *testing.T, srv *server.Server) (stop func()) {
	t.Helper()
	pub, err := srv.PublishLocal("live/cam", "test")
	if err != nil {
		t.Fatal(err)
	}
	clip := testpeer.HEVCPackets(t)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		defer pub.Close()
		pub.Write(clip[0])
		for loop := range int64(100) {
			for _, p := range clip[1:] {
				p.DTS += loop * 1000
				p.PTS += loop * 1000
				pub.Write(p)
				select {
				case <-quit:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}
	}()
	return func() { close(quit); <-done }
}

// readFrames reads a destination's stream until it has want video frames
// (or ctx ends) and returns its video codec, its H.264 size ("WxH", from
// the sequence header; "" for other codecs) and the frames read.
func readFrames(ctx context.Context, t *testing.T, q media.Reader, want int) (codec media.Codec, size string, frames int) {
	t.Helper()
	for frames < want {
		p, err := q.Pop(ctx)
		if err != nil {
			return codec, size, frames
		}
		if p.Kind != media.KindVideo {
			continue
		}
		codec = p.Codec
		if p.Header && p.Codec == media.CodecH264 {
			cfg, err := h264.ParseConfig(p.Data)
			if err != nil {
				t.Fatalf("an H.264 sequence header: %v", err)
			}
			info, err := cfg.Info()
			if err != nil {
				t.Fatalf("an H.264 SPS: %v", err)
			}
			size = fmt.Sprintf("%dx%d", info.Width, info.Height)
		}
		if !p.Header {
			frames++
		}
	}
	return codec, size, frames
}

// players is how many readers the server counts on name.
func players(srv *server.Server, name string) int {
	for _, s := range srv.Stats().Streams {
		if s.Name == name {
			return s.Players
		}
	}
	return 0
}

// An output whose encoder falls behind skips pictures beyond its bound,
// never waiting, and says so once in the log.
func TestOutputSkipsPicturesItsEncoderCannotTake(t *testing.T) {
	log, logs := fwdLog()
	f := &Forward{log: log}
	o := &output{f: f, log: log, rate: "300 kb/s", items: make(chan item, outputQueue)}
	pool := &picturePool{}
	taken := 0
	for i := range 3 * maxQueuedPictures {
		p := pool.copyOf(image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420))
		p.refs.Add(1)
		if o.picture(p, int64(i)) {
			taken++
		}
	}
	if taken != maxQueuedPictures || o.skipped.Load() != 2*maxQueuedPictures {
		t.Errorf("took %d pictures and skipped %d, want %d and %d", taken, o.skipped.Load(), maxQueuedPictures, 2*maxQueuedPictures)
	}
	if n := strings.Count(logs.String(), "slower than the source"); n != 1 {
		t.Errorf("%d log lines about skipping, want 1:\n%s", n, logs)
	}
}

// A picture one output skipped stays whole for the output that took it:
// the next picture copied out of the decoder does not reuse its buffers.
func TestSkippedPictureStaysWithTheOutputThatTookIt(t *testing.T) {
	log, _ := fwdLog()
	f := &Forward{log: log}
	full := &output{f: f, log: log, items: make(chan item, outputQueue)}
	full.pics.Store(maxQueuedPictures) // its encoder is behind: it skips
	taker := &output{f: f, log: log, items: make(chan item, outputQueue)}
	f.outs = []*output{full, taker}
	picture := func(y byte) *image.YCbCr {
		m := image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420)
		for i := range m.Y {
			m.Y[i] = y
		}
		return m
	}
	for i := range maxQueuedPictures {
		if err := f.toEncoders(picture(byte(i)), int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range maxQueuedPictures {
		it := <-taker.items
		if got := it.pic.img.Y[0]; got != byte(i) {
			t.Fatalf("picture %d reads %d: its buffer went to a later picture", i, got)
		}
	}
}
