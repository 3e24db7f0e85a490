package encode

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestAnnexBToAVCC(t *testing.T) {
	in := []byte{
		0, 0, 0, 1, 0x09, 0xf0, // AUD: dropped
		0, 0, 0, 1, 0x06, 0x05, 0x01, 0x80, // SEI
		0, 0, 1, 0x65, 0x88, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, // IDR, 3-byte start code, trailing zeros
		0, 0, 1, 0x41, 0x9a, // non-IDR slice
	}
	var scratch []nalRange
	out, idr := annexBToAVCC(in, &scratch)
	want := []byte{
		0, 0, 0, 4, 0x06, 0x05, 0x01, 0x80,
		0, 0, 0, 6, 0x65, 0x88, 0x00, 0x00, 0x03, 0x01,
		0, 0, 0, 2, 0x41, 0x9a,
	}
	if !idr || !bytes.Equal(out, want) {
		t.Fatalf("got idr=%v % x\nwant        % x", idr, out, want)
	}
	if _, idr := annexBToAVCC([]byte{0, 0, 1, 0x41, 0x9a}, &scratch); idr {
		t.Fatal("non-IDR slice reported as IDR")
	}
	if out, _ := annexBToAVCC([]byte{1, 2, 3}, &scratch); len(out) != 0 {
		t.Fatalf("no start code gave % x", out)
	}
}

// x264's SPS and PPS for a 320x180 High profile stream (from the ffmpeg CLI).
var (
	testSPS = []byte{0x67, 0x64, 0x00, 0x0d, 0xac, 0xd9, 0x41, 0x41, 0x9f, 0x9f, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00,
		0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0x99, 0x60}
	testPPS = []byte{0x68, 0xef, 0x8f, 0xcb}
)

func TestAVCDecoderConfigurationRecord(t *testing.T) {
	extradata := append(append([]byte{0, 0, 0, 1}, testSPS...), append([]byte{0, 0, 0, 1}, testPPS...)...)
	rec, err := avcDecoderConfigurationRecord(extradata)
	if err != nil {
		t.Fatal(err)
	}
	r, err := parseAVCRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if r.version != 1 || r.profile != 100 || r.level != 0x0d || r.lengthSize != 4 ||
		!bytes.Equal(r.sps[0], testSPS) || !bytes.Equal(r.pps[0], testPPS) ||
		!bytes.Equal(r.ext, []byte{0xfd, 0xf8, 0xf8, 0}) {
		t.Fatalf("record % x parsed as %+v", rec, r)
	}
	again, err := avcDecoderConfigurationRecord(rec)
	if err != nil || !bytes.Equal(again, rec) {
		t.Fatalf("an existing record should pass through: % x, %v", again, err)
	}
	if _, err := avcDecoderConfigurationRecord([]byte{0, 0, 1, 0x68, 1}); err == nil {
		t.Fatal("PPS without SPS accepted")
	}
}

func TestParseSPSHighProfiles(t *testing.T) {
	s, err := parseSPS(testSPS)
	if err != nil {
		t.Fatal(err)
	}
	if s.profile != 100 || s.chromaFormat != 1 || s.bitDepthLuma != 8 || s.bitDepthChroma != 8 {
		t.Fatalf("%+v", s)
	}
	// High 4:4:4 10-bit: sps_id 0 (1), chroma 3 (00100), separate plane 0,
	// luma depth-8 = 2 (011), chroma depth-8 = 2 (011).
	s, err = parseSPS([]byte{0x67, 244, 0, 30, 0b10010000, 0b11011000})
	if err != nil {
		t.Fatal(err)
	}
	if s.chromaFormat != 3 || s.bitDepthLuma != 10 || s.bitDepthChroma != 10 {
		t.Fatalf("%+v", s)
	}
	if _, err := parseSPS([]byte{0x67, 100, 0, 30}); err == nil {
		t.Fatal("truncated SPS accepted")
	}
}

func TestRoundingHelpers(t *testing.T) {
	for _, c := range []struct{ a, b, want int64 }{{-1024 * 1000, 48000, -21}, {1024 * 1000, 48000, 21}, {3 * 1024 * 1000, 48000, 64}, {-24, 48, -1}, {23, 48, 0}} {
		if got := roundDiv(c.a, c.b); got != c.want {
			t.Fatalf("roundDiv(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got := durationToSamples(100*24*3600*1e9+5e8, 48000); got != 100*24*3600*48000+24000 {
		t.Fatalf("durationToSamples over 100 days = %d", got)
	}
}

// FuzzAnnexBToAVCC checks that any input converts to well-formed AVCC (the
// lengths tile the output) and that the splitter never panics.
func FuzzAnnexBToAVCC(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0x65, 1, 2, 0, 0, 1, 0x41})
	f.Add([]byte{0, 0, 1, 0, 0, 1, 0, 0, 0})
	f.Add(append([]byte{0, 0, 0, 1}, testSPS...))
	var scratch []nalRange
	f.Fuzz(func(t *testing.T, b []byte) {
		out, _ := annexBToAVCC(b, &scratch)
		for len(out) > 0 {
			if len(out) < 5 {
				t.Fatalf("stray %d bytes", len(out))
			}
			n := int(binary.BigEndian.Uint32(out))
			if n == 0 || n > len(out)-4 || out[4]&0x1f == nalAUD {
				t.Fatalf("bad NAL length %d or AUD", n)
			}
			out = out[4+n:]
		}
		if len(b) > 0 && b[0] == 0 {
			_, _ = avcDecoderConfigurationRecord(b)
		}
	})
}
