package encode

import (
	"errors"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/media"
)

var (
	red   = color.RGBA{255, 0, 0, 255}
	green = color.RGBA{0, 255, 0, 255}
	blue  = color.RGBA{0, 0, 255, 255}
)

// solidStream encodes n frames of each colour in turn at w×h and 30 fps
// (libx264, 2 B-frames) and returns the sequence header and the packets in
// decode order.
func solidStream(t *testing.T, w, h int, keyInt time.Duration, n int, colours ...color.RGBA) (media.Packet, []media.Packet) {
	t.Helper()
	e := newTestVideo(t, VideoConfig{Width: w, Height: h, FPS: 30, Bitrate: 2_000_000, KeyInt: keyInt,
		BFrames: 2, Encoder: EncoderX264})
	var c collector
	i := 0
	for _, col := range colours {
		img := solidRGBA(w, h, col)
		for range n {
			if err := e.Encode(img, time.Duration(i)*time.Second/30, c.emit); err != nil {
				t.Fatal(err)
			}
			i++
		}
	}
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	return e.SequenceHeader(), c.pkts
}

// decodeOK decodes pkts, failing on any error, and counts new pictures.
func decodeOK(t *testing.T, d *VideoDecoder, pkts ...media.Packet) int {
	t.Helper()
	n := 0
	for i, p := range pkts {
		got, err := d.Decode(p)
		if err != nil {
			t.Fatalf("packet %d (dts %d): %v", i, p.DTS, err)
		}
		if got {
			n++
		}
	}
	return n
}

// checkColour requires the preview to be want (mean of every pixel, each
// channel within tol) and opaque.
func checkColour(t *testing.T, d *VideoDecoder, dst *image.RGBA, want color.RGBA, tol float64) {
	t.Helper()
	if err := d.Picture(dst); err != nil {
		t.Fatal(err)
	}
	var sum [4]float64
	for i := 0; i < len(dst.Pix); i += 4 {
		for c := range 4 {
			sum[c] += float64(dst.Pix[i+c])
		}
	}
	n := float64(len(dst.Pix) / 4)
	w := [4]float64{float64(want.R), float64(want.G), float64(want.B), 255}
	for c := range 4 {
		if math.Abs(sum[c]/n-w[c]) > tol {
			t.Fatalf("preview mean RGBA %.0f %.0f %.0f %.0f, want %v ± %g", sum[0]/n, sum[1]/n, sum[2]/n, sum[3]/n, want, tol)
		}
	}
}

func TestVideoDecoderColours(t *testing.T) {
	header, pkts := solidStream(t, 1280, 720, time.Second, 30, red, blue)
	d := NewVideoDecoder(320, 180, nil)
	defer d.Close()
	dst := image.NewRGBA(image.Rect(0, 0, 320, 180))
	if got, err := d.Decode(pkts[0]); got || err != nil {
		t.Fatalf("a frame before the header: %v, %v; want it ignored", got, err)
	}
	if err := d.Picture(dst); !errors.Is(err, ErrNoPicture) {
		t.Fatalf("Picture before any picture: %v, want ErrNoPicture", err)
	}
	decodeOK(t, d, header)
	if d.Width() != 1280 || d.Height() != 720 {
		t.Fatalf("stream size %dx%d after the header, want 1280x720", d.Width(), d.Height())
	}
	split := 0
	for split < len(pkts) && pkts[split].PTS < 1000 {
		split++
	}
	n := decodeOK(t, d, pkts[:split]...)
	checkColour(t, d, dst, red, 8)
	n += decodeOK(t, d, pkts[split:]...)
	checkColour(t, d, dst, blue, 8)
	if n < len(pkts)-4 {
		t.Errorf("%d pictures from %d packets", n, len(pkts))
	}
	// One decode feeds pictures of several sizes (a tile and a scene
	// layer): other sizes get their own scalers, more than it keeps too.
	for _, sz := range []image.Point{{160, 90}, {640, 360}, {33, 17}, {1280, 720}, {100, 100}, {160, 90}} {
		checkColour(t, d, image.NewRGBA(image.Rectangle{Max: sz}), blue, 8)
	}
	checkColour(t, d, dst, blue, 8)
	for _, bad := range []image.Rectangle{{}, image.Rect(0, 0, MaxVideoSize+1, 2)} {
		if err := d.Picture(image.NewRGBA(bad)); !errors.Is(err, ErrUnsupportedInput) {
			t.Errorf("Picture into a %v image: %v, want ErrUnsupportedInput", bad, err)
		}
	}
	if d.Width() != 1280 || d.Height() != 720 {
		t.Errorf("stream size %dx%d, want 1280x720", d.Width(), d.Height())
	}
}

func TestVideoDecoderNewSequenceHeader(t *testing.T) {
	h1, s1 := solidStream(t, 1280, 720, time.Second, 20, red)
	h2, s2 := solidStream(t, 640, 360, time.Second, 20, green)
	d := NewVideoDecoder(320, 180, nil)
	defer d.Close()
	dst := image.NewRGBA(image.Rect(0, 0, 320, 180))
	decodeOK(t, d, h1, h1) // a repeated header changes nothing
	decodeOK(t, d, s1...)
	checkColour(t, d, dst, red, 8)
	// The camera reconnects at another size: the new stream restarts its
	// timestamps as well.
	decodeOK(t, d, h2)
	if d.Width() != 640 || d.Height() != 360 {
		t.Fatalf("stream size %dx%d after the new header, want 640x360", d.Width(), d.Height())
	}
	if n := decodeOK(t, d, s2...); n < len(s2)-4 {
		t.Errorf("%d pictures from %d packets of the new stream", n, len(s2))
	}
	checkColour(t, d, dst, green, 8)
	if d.Width() != 640 || d.Height() != 360 {
		t.Errorf("stream size %dx%d, want 640x360", d.Width(), d.Height())
	}
}

func TestVideoDecoderCorruptInput(t *testing.T) {
	header, pkts := solidStream(t, 640, 360, 500*time.Millisecond, 15*6, blue) // a keyframe every 15 frames
	rng := rand.New(rand.NewPCG(1, 2))
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	mid := pkts[len(pkts)/2].Data
	garbage := []struct {
		name   string
		data   []byte
		strict bool // Decode must fail (the framing is wrong)
	}{
		{"random bytes", append([]byte{0xf0}, noise(3000)...), true},
		{"stray length bytes", append(append([]byte(nil), mid...), 0, 0, 1), true},
		{"NAL length past the end", mid[:len(mid)/2], true},
		{"empty", nil, true},
		{"well-framed noise", append([]byte{0, 0, 0x0f, 0xa0, 0x65}, noise(4000-1)...), false},
	}
	d := NewVideoDecoder(320, 180, nil)
	defer d.Close()
	dst := image.NewRGBA(image.Rect(0, 0, 320, 180))
	decodeOK(t, d, header)
	if _, err := d.Decode(media.Packet{Kind: media.KindVideo, Header: true, Data: noise(40)}); !errors.Is(err, ErrCorruptPacket) {
		t.Fatalf("a garbage sequence header: %v, want ErrCorruptPacket", err)
	}
	i := 0
	for _, g := range garbage {
		// Decode a few frames of the GOP, then the garbage.
		decodeOK(t, d, pkts[i:i+5]...)
		i += 5
		_, err := d.Decode(media.Packet{Kind: media.KindVideo, DTS: pkts[i].DTS, PTS: pkts[i].PTS, Data: g.data})
		if g.strict && !errors.Is(err, ErrCorruptPacket) {
			t.Fatalf("%s: %v, want ErrCorruptPacket", g.name, err)
		}
		t.Logf("%s: %v", g.name, err)
		// Until the next keyframe nothing comes out (after an error);
		// then pictures resume.
		for ; i < len(pkts) && !pkts[i].Key; i++ {
			got, err := d.Decode(pkts[i])
			if err != nil && (g.strict || !errors.Is(err, ErrCorruptPacket)) {
				// Frame threads may report the noise one packet late.
				t.Fatalf("%s: packet %d after the garbage: %v", g.name, i, err)
			}
			if got && g.strict {
				t.Fatalf("%s: a picture from packet %d, before the next keyframe", g.name, i)
			}
		}
		if n := decodeOK(t, d, pkts[i:i+5]...); n == 0 {
			t.Fatalf("%s: no picture from the 5 packets from the keyframe on", g.name)
		}
		i += 5
		checkColour(t, d, dst, blue, 8)
	}
	if _, err := d.Decode(media.Packet{Kind: media.KindAudio, Data: []byte{1}}); !errors.Is(err, ErrUnsupportedInput) {
		t.Errorf("an audio packet: %v, want ErrUnsupportedInput", err)
	}
}

func TestVideoDecoderSteadyState(t *testing.T) {
	header, pkts := solidStream(t, 640, 360, 2*time.Second, 90, red)
	d := NewVideoDecoder(320, 180, nil)
	defer d.Close()
	dst := image.NewRGBA(image.Rect(0, 0, 320, 180))
	decodeOK(t, d, header)
	decodeOK(t, d, pkts[:10]...)
	// The UI fetches pictures from its own goroutine while packets arrive.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		ui := image.NewRGBA(image.Rect(0, 0, 320, 180))
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := d.Picture(ui); err != nil {
				t.Error(err)
				return
			}
			_ = d.Width()
		}
	})
	i := 10
	allocs := testing.AllocsPerRun(60, func() {
		if _, err := d.Decode(pkts[i]); err != nil {
			t.Fatal(err)
		}
		if err := d.Picture(dst); err != nil {
			t.Fatal(err)
		}
		i++
	})
	close(stop)
	wg.Wait()
	if allocs > 0 {
		t.Errorf("Decode+Picture allocate %.1f times per frame in steady state", allocs)
	}
	checkColour(t, d, dst, red, 8)
}

func TestVideoDecoderClose(t *testing.T) {
	header, pkts := solidStream(t, 320, 180, time.Second, 5, red)
	d := NewVideoDecoder(320, 180, nil)
	decodeOK(t, d, header)
	decodeOK(t, d, pkts...)
	_, _ = d.Decode(media.Packet{Kind: media.KindVideo, Data: []byte{0, 0, 0, 9}}) // leave it after an error
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Decode(pkts[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Decode after Close: %v", err)
	}
	if err := d.Picture(image.NewRGBA(image.Rect(0, 0, 320, 180))); !errors.Is(err, ErrClosed) {
		t.Errorf("Picture after Close: %v", err)
	}
	fresh := NewVideoDecoder(16, 16, nil) // never saw a header
	fresh.Close()
	fresh.Close()
}

// aacStream encodes secs seconds of the 440 Hz test tone (amplitude 0.5,
// stereo 48 kHz) and returns the sequence header and the packets.
func aacStream(t *testing.T, secs int) (media.Packet, []media.Packet) {
	t.Helper()
	e, _ := newTestAudio(t)
	var c collector
	feed(t, e, &c, capture.F32, 48000, 2, 0, time.Duration(secs)*time.Second, 0)
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	return e.SequenceHeader(), c.pkts
}

func TestAudioDecoderLevels(t *testing.T) {
	header, pkts := aacStream(t, 2)
	d := NewAudioDecoder(nil)
	defer d.Close()
	var frames int
	var l capture.Levels
	var last time.Duration
	emit := func(f capture.AudioFrame) {
		frames++
		if f.Format != capture.F32 || f.Rate != 48000 || f.Channels != 2 || f.Samples != 1024 {
			t.Fatalf("decoded %+v", f)
		}
		if frames > 1 && (f.Time <= last || f.Time-last > 22*time.Millisecond) {
			t.Fatalf("frame %d at %s after %s", frames, f.Time, last)
		}
		last = f.Time
		capture.MeasureLevels(f, &l)
	}
	if err := d.Decode(pkts[0], emit); err != nil || frames != 0 {
		t.Fatalf("a frame before the header: %v, %d frames", err, frames)
	}
	if err := d.Decode(header, emit); err != nil {
		t.Fatal(err)
	}
	for i, p := range pkts[:len(pkts)-3] { // the last ones fade out
		if err := d.Decode(p, emit); err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		if i < 4 {
			continue // priming
		}
		for c := range 2 {
			if math.Abs(l.RMS[c]-(-9.03)) > 1 || math.Abs(l.Peak[c]-(-6.02)) > 1 || l.Clipped {
				t.Fatalf("packet %d: levels %+v, want RMS -9.03 and peak -6.02 dBFS ± 1", i, l)
			}
		}
	}
	if frames < len(pkts)-4 {
		t.Errorf("%d frames from %d packets", frames, len(pkts))
	}
	i := 4
	noop := func(f capture.AudioFrame) { capture.MeasureLevels(f, &l) }
	if n := testing.AllocsPerRun(20, func() {
		if err := d.Decode(pkts[i], noop); err != nil {
			t.Fatal(err)
		}
		i++
	}); n > 0 {
		t.Errorf("Decode allocates %.1f times per frame in steady state", n)
	}
}

func TestAudioDecoderCorruptInput(t *testing.T) {
	header, pkts := aacStream(t, 1)
	d := NewAudioDecoder(nil)
	frames := 0
	emit := func(capture.AudioFrame) { frames++ }
	if err := d.Decode(media.Packet{Kind: media.KindAudio, Header: true, Data: []byte{0xff}}, emit); !errors.Is(err, ErrCorruptPacket) {
		t.Fatalf("a garbage header: %v, want ErrCorruptPacket", err)
	}
	if err := d.Decode(header, emit); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 50 {
		b := make([]byte, 1+rng.IntN(800))
		for k := range b {
			b[k] = byte(rng.Uint32())
		}
		err := d.Decode(media.Packet{Kind: media.KindAudio, Data: b}, emit)
		if err != nil && !errors.Is(err, ErrCorruptPacket) {
			t.Fatalf("garbage %d: %v, want nil or ErrCorruptPacket", i, err)
		}
	}
	if err := d.Decode(media.Packet{Kind: media.KindAudio}, emit); !errors.Is(err, ErrCorruptPacket) {
		t.Errorf("an empty frame: %v, want ErrCorruptPacket", err)
	}
	if err := d.Decode(media.Packet{Kind: media.KindVideo, Data: []byte{1}}, emit); !errors.Is(err, ErrUnsupportedInput) {
		t.Errorf("a video packet: %v, want ErrUnsupportedInput", err)
	}
	frames = 0
	for i, p := range pkts[:10] {
		if err := d.Decode(p, emit); err != nil {
			t.Fatalf("packet %d after the garbage: %v", i, err)
		}
	}
	if frames < 9 {
		t.Errorf("%d frames from 10 packets after the garbage", frames)
	}
	d.Close()
	d.Close()
	if err := d.Decode(pkts[0], emit); !errors.Is(err, ErrClosed) {
		t.Errorf("Decode after Close: %v", err)
	}
}
