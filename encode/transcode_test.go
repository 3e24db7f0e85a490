package encode

import (
	"image"
	"runtime"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/media"
)

// TestTranscodeHEVCToH264: an HEVC camera, through a PictureDecoder and a
// Reencoder, comes out as H.264 that decodes to the same picture, one frame
// for each one in, at the source's times, with keyframes on the KeyInt
// grid.
func TestTranscodeHEVCToH264(t *testing.T) {
	src := hevcPackets(t)
	for i := range src {
		src[i].DTS += 5000 // a forward's times do not start at 0
		src[i].PTS += 5000
	}
	dec := NewPictureDecoder(nil)
	defer dec.Close()
	enc, err := NewReencoder(TranscodeConfig{Bitrate: 300_000, KeyInt: 500 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	var out []media.Packet
	emit := func(p media.Packet) { out = append(out, p) }
	picture := func(img *image.YCbCr, pts int64) error { return enc.Picture(img, pts, emit) }
	for _, p := range src {
		if err := dec.Decode(p, picture); err != nil {
			t.Fatal(err)
		}
	}
	if err := dec.Drain(picture); err != nil {
		t.Fatal(err)
	}
	if err := enc.Flush(emit); err != nil {
		t.Fatal(err)
	}
	if len(out) < 2 || !out[0].Header || out[0].Codec != media.CodecH264 {
		t.Fatalf("%d packets out; the first %+v, want the H.264 sequence header", len(out), out[0])
	}
	cfg, err := h264.ParseConfig(out[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := cfg.Info(); info.Width != 160 || info.Height != 120 {
		t.Errorf("H.264 picture %dx%d, want the source's 160x120", info.Width, info.Height)
	}
	for what, cpu := range map[string]interface {
		CPUTime() (time.Duration, bool)
	}{"decoding": dec, "encoding": enc} {
		if d, ok := cpu.CPUTime(); runtime.GOOS == "linux" && (!ok || d <= 0) {
			t.Errorf("%s's CPUTime %v, %v: want its CPU time", what, d, ok)
		}
	}
	if enc.Encoder() != "libx264" {
		t.Errorf("encoder %q", enc.Encoder())
	}
	d := NewVideoDecoder(80, 60, nil)
	defer d.Close()
	decodeOK(t, d, out...)
	checkColour(t, d, image.NewRGBA(image.Rect(0, 0, 80, 60)), red, 30)
	// Every frame at the source's time, keyframes exactly at 5000 and
	// 5500 ms.
	frames := out[1:]
	if len(frames) != len(src)-1 {
		t.Fatalf("%d frames out of %d in", len(frames), len(src)-1)
	}
	for i, p := range frames {
		want := src[1+i].PTS
		if p.PTS != want {
			t.Fatalf("frame %d at %d ms, want %d", i, p.PTS, want)
		}
		if key := (p.PTS-5000)%500 == 0; p.Key != key {
			t.Errorf("frame at %d ms: key %v", p.PTS, p.Key)
		}
	}
}
