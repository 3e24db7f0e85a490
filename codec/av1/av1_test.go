package av1

import (
	"errors"
	"os"
	"testing"
)

// testdata/av1C-320x240.bin is the av1C box body ffmpeg's mp4 muxer wrote
// for a 320x240 libaom-av1 encode: the record and its sequence header OBU.
func readConfig(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/av1C-320x240.bin")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig(readConfig(t))
	if err != nil || c.Width != 320 || c.Height != 240 || ProfileName(c.Profile) != "Main" {
		t.Fatalf("%+v %v", c, err)
	}
	if c, err := ParseConfig(readConfig(t)[:4]); err != nil || c.Width != 0 {
		t.Fatalf("record without OBUs: %+v %v", c, err)
	}
	for _, bad := range [][]byte{nil, {0x81, 0}, {0x01, 0, 0x0c, 0}, append(readConfig(t)[:4], 0x0A, 9, 0)} {
		if _, err := ParseConfig(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("% x: %v", bad, err)
		}
	}
}

func TestIsRandomAccess(t *testing.T) {
	seq := readConfig(t)[4:]
	if !IsRandomAccess(append([]byte{0x12, 0}, seq...)) {
		t.Error("a temporal unit with a sequence header is not random access")
	}
	for _, tu := range [][]byte{{0x12, 0, 0x32, 1, 0}, nil, {0x12, 5}} {
		if IsRandomAccess(tu) {
			t.Errorf("% x is random access", tu)
		}
	}
}

// FuzzConfig: no record panics the parser.
func FuzzConfig(f *testing.F) {
	f.Add(readConfig(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseConfig(b)
		IsRandomAccess(b)
	})
}
