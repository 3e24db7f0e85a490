package vp9

import (
	"errors"
	"testing"
)

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte{1, 0, 0, 0, 0, 31, 0x82, 2, 2, 2, 0, 0})
	if err != nil || c.Profile != 0 || c.Level != 31 || c.BitDepth != 8 {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range [][]byte{nil, {0, 0, 0, 0, 0, 31, 0x82, 2, 2, 2, 0, 0}} {
		if _, err := ParseConfig(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("% x: %v", bad, err)
		}
	}
}

func TestKeyframe(t *testing.T) {
	// A profile 0 keyframe header: frame marker, profile, show_existing 0,
	// frame_type 0 (key), show_frame, error_res, sync code, colour config
	// and a 64x48 frame size (written out bit by bit below).
	key := []byte{0x82, 0x49, 0x83, 0x42, 0x00, 0x03, 0xF0, 0x02, 0xF0}
	if ok, w, h := Keyframe(key); !ok || w != 64 || h != 48 {
		t.Fatalf("keyframe: %v %dx%d", ok, w, h)
	}
	if ok, _, _ := Keyframe([]byte{0x86, 0}); ok {
		t.Fatal("an inter frame is a keyframe")
	}
}

// FuzzKeyframe: no frame panics the header parser.
func FuzzKeyframe(f *testing.F) {
	f.Add([]byte{0x82, 0x49, 0x83, 0x42, 0x00, 0x03, 0xF0, 0x02, 0xF0})
	f.Fuzz(func(t *testing.T, b []byte) {
		Keyframe(b)
		ParseConfig(b)
	})
}
