package encode

import (
	"errors"
	"image"
	"image/color"
	"slices"
	"testing"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/media"
)

// testVideoConfig is a small, fast libx264 configuration.
func testVideoConfig() VideoConfig {
	return VideoConfig{Width: 320, Height: 180, FPS: 30, Bitrate: 500_000, KeyInt: 2 * time.Second,
		BFrames: 2, Encoder: EncoderX264}
}

func newTestVideo(t *testing.T, cfg VideoConfig) *VideoEncoder {
	t.Helper()
	e, err := NewVideoEncoder(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// encodeFrames encodes the frames at the given frame indexes (pts =
// i/FPS), flushes, and returns every packet.
func encodeFrames(t *testing.T, e *VideoEncoder, fps int, idx []int, frames []*image.YCbCr) []media.Packet {
	t.Helper()
	var c collector
	for _, i := range idx {
		pts := time.Duration(i) * time.Second / time.Duration(fps)
		if err := e.Encode(frames[i%len(frames)], pts, c.emit); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	return c.pkts
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func keyPTS(pkts []media.Packet) []int64 {
	var out []int64
	for _, p := range pkts {
		if p.Key {
			out = append(out, p.PTS)
		}
	}
	slices.Sort(out)
	return out
}

// checkKeyFlags requires Key exactly on access units with an IDR slice.
func checkKeyFlags(t *testing.T, pkts []media.Packet) {
	t.Helper()
	for i, p := range pkts {
		types := avccNALTypes(t, p.Data)
		if idr := slices.Contains(types, h264.NALIDR); idr != p.Key {
			t.Fatalf("packet %d (pts %d): Key=%v but NAL types %v", i, p.PTS, p.Key, types)
		}
		if slices.Contains(types, h264.NALAUD) {
			t.Fatalf("packet %d still has an access unit delimiter", i)
		}
	}
}

func TestVideoKeyframesExactlyKeyIntApart(t *testing.T) {
	for _, bf := range []int{0, 2} {
		cfg := testVideoConfig()
		cfg.BFrames = bf
		e := newTestVideo(t, cfg)
		pkts := encodeFrames(t, e, 30, seq(300), movingFrames(320, 180, 30))
		if len(pkts) != 300 {
			t.Fatalf("bframes=%d: %d packets for 300 frames", bf, len(pkts))
		}
		checkKeyFlags(t, pkts)
		if got, want := keyPTS(pkts), []int64{0, 2000, 4000, 6000, 8000}; !slices.Equal(got, want) {
			t.Fatalf("bframes=%d: keyframes at %v ms, want %v", bf, got, want)
		}
	}
}

func TestVideoKeyframesFollowPTSWhenFramesAreDropped(t *testing.T) {
	e := newTestVideo(t, testVideoConfig())
	var idx []int
	for i := range 200 {
		if (i >= 55 && i < 63) || (i >= 118 && i < 122) || i%7 == 3 {
			continue // dropped upstream
		}
		idx = append(idx, i)
	}
	pkts := encodeFrames(t, e, 30, idx, movingFrames(320, 180, 30))
	checkKeyFlags(t, pkts)
	// The keyframe of each 2 s mark is the first frame that survived at or
	// after it, e.g. 2100 ms (frame 63) for the 2 s mark.
	var want []int64
	next := 0
	for _, i := range idx {
		if i*1000/30 >= next {
			want = append(want, int64(i*1000/30))
			next += 2000
		}
	}
	if got := keyPTS(pkts); !slices.Equal(got, want) || want[1] != 2100 {
		t.Fatalf("keyframes at %v ms, want %v", got, want)
	}
}

func TestVideoBFramesTimestamps(t *testing.T) {
	e := newTestVideo(t, testVideoConfig())
	pkts := encodeFrames(t, e, 30, seq(90), movingFrames(320, 180, 30))
	reordered := 0 // frames presented before the one decoded just before them
	var ptsSeen []int64
	for i, p := range pkts {
		if i > 0 && p.DTS <= pkts[i-1].DTS {
			t.Fatalf("packet %d: DTS %d after %d", i, p.DTS, pkts[i-1].DTS)
		}
		if p.PTS < p.DTS {
			t.Fatalf("packet %d: PTS %d < DTS %d", i, p.PTS, p.DTS)
		}
		if i > 0 && p.PTS < pkts[i-1].PTS {
			reordered++ // a B-frame: decoded after a later picture
		}
		ptsSeen = append(ptsSeen, p.PTS)
	}
	if reordered == 0 {
		t.Fatal("BFrames=2 produced no reordered frames")
	}
	if pkts[0].DTS >= 0 || pkts[0].PTS != 0 {
		t.Fatalf("first packet DTS %d PTS %d: want PTS 0 and a negative DTS (B-frame delay)", pkts[0].DTS, pkts[0].PTS)
	}
	t.Logf("first DTS %d ms, %d of %d packets reordered", pkts[0].DTS, reordered, len(pkts))
	slices.Sort(ptsSeen)
	for i, p := range ptsSeen {
		if want := (int64(i)*1000 + 15) / 30; p != want {
			t.Fatalf("presentation %d has PTS %d, want %d", i, p, want)
		}
	}
}

func TestVideoSequenceHeaderIsHighProfile(t *testing.T) {
	e := newTestVideo(t, testVideoConfig())
	h := e.SequenceHeader()
	if h.Kind != media.KindVideo || !h.Header || !h.Key {
		t.Fatalf("header packet %+v", h)
	}
	r, err := parseAVCRecord(h.Data)
	if err != nil {
		t.Fatal(err)
	}
	if r.version != 1 || r.profile != 100 || r.lengthSize != 4 || len(r.sps) != 1 || len(r.pps) != 1 {
		t.Fatalf("record %+v", r)
	}
	if len(r.ext) != 4 || r.ext[0] != 0xfd || r.ext[1] != 0xf8 || r.ext[2] != 0xf8 {
		t.Fatalf("high-profile tail % x, want fd f8 f8 00 (4:2:0, 8 bit)", r.ext)
	}
	h.Data[0] = 99 // callers own their copy
	if e.SequenceHeader().Data[0] != 1 {
		t.Fatal("SequenceHeader shares its bytes")
	}
}

func TestVideoDecodesBackFromOtherSizesAndFormats(t *testing.T) {
	cfg := testVideoConfig()
	cfg.Width, cfg.Height = 640, 360
	e := newTestVideo(t, cfg)
	inputs := []image.Image{
		movingYCbCr(1280, 720, 0),
		movingYCbCr(640, 360, 1),
		movingRGBA(200, 100, 2),
		image.NewNRGBA(image.Rect(0, 0, 64, 48)),
		image.NewYCbCr(image.Rect(0, 0, 96, 64), image.YCbCrSubsampleRatio422),
		image.NewYCbCr(image.Rect(0, 0, 96, 64), image.YCbCrSubsampleRatio444),
		image.NewGray(image.Rect(0, 0, 50, 40)),
		image.NewPaletted(image.Rect(0, 0, 30, 20), color.Palette{color.White}),
		movingYCbCr(1280, 720, 3).SubImage(image.Rect(101, 51, 741, 411)),
	}
	var c collector
	for i := range 60 {
		if err := e.Encode(inputs[i%len(inputs)], time.Duration(i)*time.Second/30, c.emit); err != nil {
			t.Fatalf("frame %d (%T): %v", i, inputs[i%len(inputs)], err)
		}
	}
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	d := decodeH264(t, e.SequenceHeader().Data, c.pkts)
	if d.frames != 60 || d.width != 640 || d.height != 360 {
		t.Fatalf("decoded %d frames of %dx%d, want 60 of 640x360", d.frames, d.width, d.height)
	}
	if d.colorRange != astiav.ColorRangeMpeg {
		t.Fatalf("decoded colour range %v, want limited (tv)", d.colorRange)
	}
}

func TestVideoScalerContextIsCached(t *testing.T) {
	e := newTestVideo(t, testVideoConfig())
	a, b := movingYCbCr(320, 180, 0), movingRGBA(320, 180, 0)
	var c collector
	for i, img := range []image.Image{a, a, a, b, b, a} {
		if err := e.Encode(img, time.Duration(i)*time.Second/30, c.emit); err != nil {
			t.Fatal(err)
		}
	}
	if e.sws.builds != 3 {
		t.Fatalf("built %d swscale contexts for 3 input changes", e.sws.builds)
	}
}

func TestVideoForceKeyFrame(t *testing.T) {
	e := newTestVideo(t, testVideoConfig())
	var c collector
	frames := movingFrames(320, 180, 10)
	for i := range 40 {
		if i == 25 {
			e.ForceKeyFrame()
		}
		if err := e.Encode(frames[i%10], time.Duration(i)*time.Second/30, c.emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	checkKeyFlags(t, c.pkts)
	if got, want := keyPTS(c.pkts), []int64{0, 833}; !slices.Equal(got, want) {
		t.Fatalf("keyframes at %v ms, want %v", got, want)
	}
}

func TestVideoPTSThatDoesNotAdvanceIsMoved(t *testing.T) {
	cfg := testVideoConfig()
	cfg.BFrames = 0
	log, logs := newTestLogger()
	cfg.Encoder = EncoderX264
	e, err := NewVideoEncoder(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var c collector
	img := movingYCbCr(320, 180, 0)
	for _, pts := range []time.Duration{0, 100 * time.Microsecond, 33 * time.Millisecond, 33 * time.Millisecond} {
		if err := e.Encode(img, pts, c.emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Encode(img, -time.Millisecond, c.emit); !errors.Is(err, ErrUnsupportedInput) {
		t.Fatalf("negative pts: %v", err)
	}
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	var pts []int64
	for _, p := range c.pkts {
		pts = append(pts, p.PTS)
	}
	if want := []int64{0, 1, 33, 34}; !slices.Equal(pts, want) {
		t.Fatalf("PTS %v, want %v", pts, want)
	}
	if n := logs.count("video pts does not advance"); n != 1 {
		t.Fatalf("logged the clamp %d times, want 1 (rate limited):\n%s", n, logs)
	}
}
