package amf0

import (
	"bytes"
	"testing"
)

// fuzzLimits keeps fuzz iterations small and fast.
var fuzzLimits = Limits{MaxElements: 256, MaxString: 4096}

func mustAMF(t testing.TB, vals ...any) []byte {
	t.Helper()
	b, err := Encode(vals...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzDecode(f *testing.F) {
	f.Add(mustAMF(f, "connect", 1, Object{{"app", "live"}, {"tcUrl", "rtmp://h/live"}}))
	f.Add(mustAMF(f, "onMetaData", ECMAArray{{"width", 1.0}, {"height", 2.0}, {"hasVideo", true}, {"audiosamplerate", 48000.0}}))
	f.Add([]byte{MarkerStrictArray, 0x7F, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{MarkerECMAArray, 0, 0, 0, 1, 0, 1, 'a', MarkerStrictArray, 0, 0, 0, 1, MarkerNull, 0, 0, MarkerObjectEnd})
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, err := Decode(data, fuzzLimits)
		if err != nil {
			return
		}
		// Decoded values re-encode, and the encoding is a fixed point.
		enc1, err := Encode(vals...)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		vals2, err := Decode(enc1, fuzzLimits)
		if err != nil {
			t.Fatalf("decode of re-encoding: %v", err)
		}
		enc2, _ := Encode(vals2...)
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("encoding not stable:\n%x\n%x", enc1, enc2)
		}
	})
}
