package forward

import (
	"context"
	"image"
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
	f, err := Start(src, "live/cam", []dest.Destination{fwdTarget(t, dst, "out")},
		Options{AutoTranscode: &encode.TranscodeConfig{Bitrate: 300_000, KeyInt: time.Second}}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	out := fwdWatch(t, dst, "out")

	// The camera sends until the destination has what the test reads (the
	// forward joins it at a keyframe, and x264 holds its lookahead).
	defer publishHEVCLoop(t, src)()

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
// share of a core over the last second or more: with one output, decoding
// and encoding together; with several, the one decoding and each encoder.
func TestTranscodeNoteSaysTheCost(t *testing.T) {
	dec := encode.NewPictureDecoder(nil)
	defer dec.Close()
	var encs []*encode.Reencoder
	for range 2 {
		enc, err := encode.NewReencoder(encode.TranscodeConfig{Bitrate: 300_000}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer enc.Close()
		encs = append(encs, enc)
	}
	for _, p := range testpeer.HEVCPackets(t) {
		err := dec.Decode(p, func(img *image.YCbCr, pts int64) error {
			for _, enc := range encs {
				if err := enc.Picture(img, pts, func(media.Packet) {}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if runtime.GOOS != "linux" {
		t.Skipf("no thread CPU time on %s", runtime.GOOS)
	}
	before := time.Now().Add(-2 * time.Second)
	forward := func(n int) *Forward {
		f := &Forward{srcCodec: media.CodecHEVC, dec: dec, decCPU: cpuRate{at: before, cores: -1}}
		for i, rate := range []string{"300 kb/s", "2.5 Mb/s"}[:n] {
			f.outs = append(f.outs, &output{f: f, transcoding: true, rate: rate, enc: encs[i], encCPU: cpuRate{at: before, cores: -1}})
		}
		return f
	}
	for _, c := range []struct {
		outputs int
		want    string
	}{
		{1, `^HEVC re-encoded to H\.264 at 300 kb/s, \d+\.\d\d of a core$`},
		{2, `^HEVC decoded once \(\d+\.\d\d of a core\), re-encoded to H\.264 at 300 kb/s \(\d+\.\d\d of a core\) and at 2\.5 Mb/s \(\d+\.\d\d of a core\)$`},
	} {
		f := forward(c.outputs)
		if note := f.transcodeNote(time.Now()); !regexp.MustCompile(c.want).MatchString(note) || f.decCPU.cores <= 0 {
			t.Errorf("%d outputs: note %q (decoding %v cores)", c.outputs, note, f.decCPU.cores)
		}
	}
}
