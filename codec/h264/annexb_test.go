package h264

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
	var scratch []NALRange
	out, idr := AnnexBToAVCC(in, &scratch)
	want := []byte{
		0, 0, 0, 4, 0x06, 0x05, 0x01, 0x80,
		0, 0, 0, 6, 0x65, 0x88, 0x00, 0x00, 0x03, 0x01,
		0, 0, 0, 2, 0x41, 0x9a,
	}
	if !idr || !bytes.Equal(out, want) {
		t.Fatalf("got idr=%v % x\nwant        % x", idr, out, want)
	}
	if _, idr := AnnexBToAVCC([]byte{0, 0, 1, 0x41, 0x9a}, &scratch); idr {
		t.Fatal("non-IDR slice reported as IDR")
	}
	if out, _ := AnnexBToAVCC([]byte{1, 2, 3}, &scratch); len(out) != 0 {
		t.Fatalf("no start code gave % x", out)
	}
}

// x264's SPS and PPS for a 320x180 High profile stream (from the ffmpeg CLI).
var (
	testSPS = []byte{0x67, 0x64, 0x00, 0x0d, 0xac, 0xd9, 0x41, 0x41, 0x9f, 0x9f, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00,
		0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0x99, 0x60}
	testPPS = []byte{0x68, 0xef, 0x8f, 0xcb}
)

func TestConfigFromExtradata(t *testing.T) {
	extradata := append(append([]byte{0, 0, 0, 1}, testSPS...), append([]byte{0, 0, 0, 1}, testPPS...)...)
	rec, err := ConfigFromExtradata(extradata)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseConfig(rec)
	if err != nil {
		t.Fatal(err)
	}
	if rec[0] != 1 || r.Profile != 100 || r.Level != 0x0d || r.NALULengthSize != 4 ||
		!bytes.Equal(r.SPS[0], testSPS) || !bytes.Equal(r.PPS[0], testPPS) ||
		!bytes.Equal(rec[len(rec)-4:], []byte{0xfd, 0xf8, 0xf8, 0}) {
		t.Fatalf("record % x parsed as %+v", rec, r)
	}
	again, err := ConfigFromExtradata(rec)
	if err != nil || !bytes.Equal(again, rec) {
		t.Fatalf("an existing record should pass through: % x, %v", again, err)
	}
	if _, err := ConfigFromExtradata([]byte{0, 0, 1, 0x68, 1}); err == nil {
		t.Fatal("PPS without SPS accepted")
	}
}

// FuzzAnnexBToAVCC checks that any input converts to well-formed AVCC (the
// lengths tile the output) and that the splitter never panics.
func FuzzAnnexBToAVCC(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0x65, 1, 2, 0, 0, 1, 0x41})
	f.Add([]byte{0, 0, 1, 0, 0, 1, 0, 0, 0})
	f.Add(append([]byte{0, 0, 0, 1}, testSPS...))
	var scratch []NALRange
	f.Fuzz(func(t *testing.T, b []byte) {
		out, _ := AnnexBToAVCC(b, &scratch)
		for len(out) > 0 {
			if len(out) < 5 {
				t.Fatalf("stray %d bytes", len(out))
			}
			n := int(binary.BigEndian.Uint32(out))
			if n == 0 || n > len(out)-4 || out[4]&0x1f == NALAUD {
				t.Fatalf("bad NAL length %d or AUD", n)
			}
			out = out[4+n:]
		}
		if len(b) > 0 && b[0] == 0 {
			_, _ = ConfigFromExtradata(b)
		}
	})
}
