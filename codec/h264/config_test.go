package h264

import (
	"bytes"
	"errors"
	"testing"
)

func TestAVCConfig(t *testing.T) {
	sps := unhex(t, spsSamples[0].hex)
	pps := []byte{0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0}
	rec, err := BuildConfig([][]byte{sps}, [][]byte{pps})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(rec)
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != 100 || c.Level != 0x28 || c.NALULengthSize != 4 || len(c.SPS) != 1 || len(c.PPS) != 1 || !bytes.Equal(c.PPS[0], pps) {
		t.Fatalf("got %+v", c)
	}
	info, err := c.Info()
	if err != nil || info.Width != 1920 || info.Height != 1080 {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	// Every truncation of the record up to its PPS is an error, never a
	// panic; the 4 bytes after it, a high profile's chroma format and bit
	// depths, are optional (ISO/IEC 14496-15).
	if !bytes.Equal(rec[len(rec)-4:], []byte{0xFD, 0xF8, 0xF8, 0}) {
		t.Fatalf("a High profile record ends with % x, want 4:2:0 8-bit", rec[len(rec)-4:])
	}
	for n := range len(rec) - 4 {
		if _, err := ParseConfig(rec[:n]); err == nil {
			t.Errorf("truncated to %d bytes: accepted", n)
		}
	}
	lying := append([]byte{}, rec...)
	lying[6], lying[7] = 0xFF, 0xFF // SPS length 65535
	if _, err := ParseConfig(lying); !errors.Is(err, ErrMalformed) {
		t.Errorf("lying SPS length: %v", err)
	}
	if _, err := BuildConfig(nil, [][]byte{pps}); err == nil {
		t.Error("BuildConfig without SPS")
	}
}
