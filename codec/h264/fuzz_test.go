package h264

import (
	"reflect"
	"testing"
)

func FuzzAVCConfig(f *testing.F) {
	rec, _ := BuildConfig([][]byte{unhex(f, spsSamples[0].hex)}, [][]byte{{0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0}})
	f.Add(rec)
	f.Add([]byte{1, 0x64, 0, 0x28, 0xFF, 0xE1, 0, 0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		_, _ = c.Info()
		if len(c.PPS) == 0 || len(c.SPS[0]) < 4 {
			return
		}
		b, err := BuildConfig(c.SPS, c.PPS)
		if err != nil {
			t.Fatalf("rebuild: %v", err)
		}
		c2, err := ParseConfig(b)
		if err != nil || !reflect.DeepEqual(c.SPS, c2.SPS) || !reflect.DeepEqual(c.PPS, c2.PPS) {
			t.Fatalf("rebuild differs: %v", err)
		}
	})
}

func FuzzSPS(f *testing.F) {
	for _, s := range spsSamples {
		f.Add(unhex(f, s.hex))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSPS(data)
		if err != nil {
			return
		}
		if s.Width <= 0 || s.Height <= 0 || s.Width > MaxVideoDimension || s.Height > MaxVideoDimension {
			t.Fatalf("size %dx%d", s.Width, s.Height)
		}
	})
}
