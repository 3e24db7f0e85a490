package h264

import (
	"strings"
	"testing"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// unhex is testpeer.Unhex.
func unhex(t testing.TB, s string) []byte { t.Helper(); return testpeer.Unhex(t, s) }

// Real SPS NAL units written by libx264.
var spsSamples = []struct {
	hex           string
	width, height int
	profile       uint8
	chroma        uint32
	fps           float64
	interlaced    bool
}{
	{"67640028acd940780227e5c044000003000400000300c83c60c658", 1920, 1080, 100, 1, 25, false},
	{"67f4001f919b280a00b76022000003000200000300641e30632c", 1280, 720, 244, 3, 25, false},
	{"6742c01ed900a02ff97011000003000100000300320f162e48", 640, 360, 66, 1, 25, false},
	{"674d401eeca05a126c0440000003004000000c87c50a6580", 720, 576, 77, 1, 25, true},
	{"677a0020bcd94056061e6f011000000300100000030320f1831960", 1366, 768, 122, 2, 25, false},
}

func TestParseSPS(t *testing.T) {
	for _, c := range spsSamples {
		s, err := ParseSPS(unhex(t, c.hex))
		if err != nil {
			t.Fatalf("%dx%d: %v", c.width, c.height, err)
		}
		if s.Width != c.width || s.Height != c.height || s.ProfileIDC != c.profile || s.ChromaFormatIDC != c.chroma || s.Interlaced != c.interlaced {
			t.Errorf("%dx%d: got %+v", c.width, c.height, s)
		}
		if !c.interlaced && s.FrameRate != c.fps {
			t.Errorf("%dx%d: frame rate %v", c.width, c.height, s.FrameRate)
		}
	}
	bad := [][]byte{nil, {0x67}, {0x68, 1, 2, 3, 4}, {0x67, 0x64, 0, 0x28}, {0x67, 0, 0, 3, 0}}
	for _, b := range bad {
		if _, err := ParseSPS(b); err == nil {
			t.Errorf("ParseSPS(%x) succeeded", b)
		}
	}
	// pic_width_in_mbs_minus1 = 1024 (16400 px) is over the bound.
	// sps_id 0, log2_max_frame_num 0, poc type 2, 0 refs, no gaps, then
	// ue(1024) for the width.
	big := append([]byte{0x67, 66, 0, 30}, bitString("1 1 011 1 0 0000000000 10000000001 1 1 1 0 0")...)
	if _, err := ParseSPS(big); err == nil || !strings.Contains(err.Error(), "pic_width_in_mbs_minus1 1024") {
		t.Errorf("oversized SPS: %v", err)
	}
	ok := append([]byte{0x67, 66, 0, 30}, bitString("1 1 011 1 0 0000000000 10000000000 0001000 1 1 0 0 1")...)
	if s, err := ParseSPS(ok); err != nil || s.Width != 16384 || s.Height != 128 {
		t.Errorf("16384-wide SPS: %+v %v", s, err)
	}
	if _, err := ParseSPS(big); err == nil {
		t.Errorf("oversized SPS accepted")
	}
}

// bitString packs a string of 0s and 1s (spaces ignored) into bytes.
func bitString(s string) []byte {
	s = strings.ReplaceAll(s, " ", "")
	out := make([]byte, (len(s)+7)/8)
	for i, c := range s {
		if c == '1' {
			out[i/8] |= 0x80 >> (i % 8)
		}
	}
	return out
}

func TestParseSPSHighProfiles(t *testing.T) {
	s, err := ParseSPS(testSPS)
	if err != nil {
		t.Fatal(err)
	}
	if s.ProfileIDC != 100 || s.ChromaFormatIDC != 1 || s.BitDepthLuma != 8 || s.BitDepthChroma != 8 {
		t.Fatalf("%+v", s)
	}
	// High 4:4:4 10-bit: sps_id 0 (1), chroma 3 (00100), separate plane 0,
	// luma depth-8 = 2 (011), chroma depth-8 = 2 (011), no transform bypass
	// or scaling lists, log2_max_frame_num 0, poc type 2, no refs, no gaps,
	// 16x16, frame MBs only, direct 8x8, no cropping, no VUI, stop bit.
	s, err = ParseSPS(append([]byte{0x67, 244, 0, 30}, bitString("1 00100 0 011 011 0 0 1 011 1 0 1 1 1 1 0 0 1")...))
	if err != nil {
		t.Fatal(err)
	}
	if s.ChromaFormatIDC != 3 || s.BitDepthLuma != 10 || s.BitDepthChroma != 10 {
		t.Fatalf("%+v", s)
	}
	if _, err := ParseSPS([]byte{0x67, 100, 0, 30}); err == nil {
		t.Fatal("truncated SPS accepted")
	}
}
