package encode

import (
	"image"
	"slices"
	"testing"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/media"
)

// testHEVCConfig is a small, fast libx265 configuration.
func testHEVCConfig() VideoConfig {
	c := testVideoConfig()
	c.Codec, c.Encoder, c.Preset = media.CodecHEVC, EncoderX265, "ultrafast"
	return c
}

// hevcNALTypes lists the NAL unit types of an HEVC access unit.
func hevcNALTypes(t *testing.T, au []byte) []byte {
	t.Helper()
	types := nalHeaders(t, au)
	for i := range types {
		types[i] = hevc.NALType(types[i])
	}
	return types
}

func TestVideoHEVCKeyframesAndHeader(t *testing.T) {
	for _, bf := range []int{0, 2} {
		cfg := testHEVCConfig()
		cfg.BFrames = bf
		e := newTestVideo(t, cfg)
		if e.Name() != "libx265" || e.Codec() != media.CodecHEVC {
			t.Fatalf("encoder %s for %s, want libx265 for HEVC", e.Name(), e.Codec())
		}
		head := e.SequenceHeader()
		if head.Codec != media.CodecHEVC || !head.Header {
			t.Fatalf("sequence header is %+v, want an HEVC header", head.Codec)
		}
		conf, err := hevc.ParseConfig(head.Data)
		if err != nil {
			t.Fatalf("the sequence header is not an HEVC configuration record: %v", err)
		}
		if conf.Width != 320 || conf.Height != 180 || hevc.ProfileName(conf.ProfileIDC) != "Main" {
			t.Fatalf("configuration %+v, want 320x180 Main", conf)
		}
		pkts := encodeFrames(t, e, 30, seq(150), movingFrames(320, 180, 30))
		if len(pkts) != 150 {
			t.Fatalf("bframes=%d: %d packets for 150 frames", bf, len(pkts))
		}
		for i, p := range pkts {
			types := hevcNALTypes(t, p.Data)
			irap := slices.ContainsFunc(types, func(typ byte) bool { return typ >= 16 && typ <= 23 })
			if p.Codec != media.CodecHEVC || irap != p.Key || slices.Contains(types, hevc.NALAUD) {
				t.Fatalf("packet %d (pts %d): codec %s, Key=%v, NAL types %v", i, p.PTS, p.Codec, p.Key, types)
			}
			if p.Key && !slices.ContainsFunc(types, func(typ byte) bool { return typ == 19 || typ == 20 }) {
				t.Fatalf("keyframe %d (pts %d) is not an IDR (NAL types %v): a player joining there needs a closed GOP", i, p.PTS, types)
			}
			if slices.Contains(types, hevc.NALVPS) || slices.Contains(types, hevc.NALSPS) {
				t.Fatalf("packet %d repeats the parameter sets in-band (NAL types %v)", i, types)
			}
		}
		if got, want := keyPTS(pkts), []int64{0, 2000, 4000}; !slices.Equal(got, want) {
			t.Fatalf("bframes=%d: keyframes at %v ms, want %v", bf, got, want)
		}
		d := decodeWith(t, astiav.CodecIDHevc, head.Data, pkts)
		if d.frames != 150 || d.width != 320 || d.height != 180 {
			t.Fatalf("FFmpeg's HEVC decoder got %d frames of %dx%d, want 150 of 320x180", d.frames, d.width, d.height)
		}
	}
}

// The tiles' decoder reads the encoder's HEVC: the same colours come back.
func TestVideoHEVCDecodesToTheSameColours(t *testing.T) {
	e := newTestVideo(t, VideoConfig{Width: 320, Height: 240, FPS: 30, Bitrate: 1_000_000, Codec: media.CodecHEVC,
		Encoder: EncoderX265, Preset: "ultrafast"})
	var c collector
	for i := range 30 {
		if err := e.Encode(solidRGBA(320, 240, red), time.Duration(i)*time.Second/30, c.emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(c.emit); err != nil {
		t.Fatal(err)
	}
	d := NewVideoDecoder(320, 240, nil)
	defer d.Close()
	if n := decodeOK(t, d, append([]media.Packet{e.SequenceHeader()}, c.pkts...)...); n == 0 {
		t.Fatal("the decoder made no picture of the HEVC stream")
	}
	checkColour(t, d, image.NewRGBA(image.Rect(0, 0, 320, 240)), red, 8)
}
