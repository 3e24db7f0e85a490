package hevc

import (
	"errors"
	"os"
	"testing"
)

// testdata/hvcC-320x240.bin is the hvcC box body ffmpeg's mp4 muxer wrote
// for a 320x240 libx265 encode.
func readConfig(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/hvcC-320x240.bin")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig(readConfig(t))
	if err != nil || c.Width != 320 || c.Height != 240 || ProfileName(c.ProfileIDC) != "Main" {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range [][]byte{nil, {1}, readConfig(t)[:30]} {
		if _, err := ParseConfig(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("% x: %v", bad, err)
		}
	}
}

func TestIsRandomAccess(t *testing.T) {
	for _, c := range []struct {
		au   []byte
		want bool
	}{
		{[]byte{0, 0, 0, 2, 19 << 1, 1}, true},                         // IDR_W_RADL
		{[]byte{0, 0, 0, 2, 35 << 1, 1, 0, 0, 0, 2, 21 << 1, 1}, true}, // AUD, CRA
		{[]byte{0, 0, 0, 2, 1 << 1, 1}, false},                         // TRAIL_R
		{[]byte{0, 0, 0, 9, 19 << 1, 1}, false},                        // length overruns
		{nil, false},
	} {
		if got := IsRandomAccess(c.au); got != c.want {
			t.Errorf("% x: %v", c.au, got)
		}
	}
}

// FuzzConfig: no record panics the parser (the server parses what any
// publisher sends), and what parses has a sane size.
func FuzzConfig(f *testing.F) {
	f.Add(readConfig(f))
	f.Add(readConfig(f)[:200])
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err == nil && (c.Width <= 0 || c.Height <= 0) {
			t.Fatalf("%+v", c)
		}
		IsRandomAccess(b)
	})
}
