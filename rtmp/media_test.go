package rtmp

import (
	"os"
	"testing"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// unhex is testpeer.Unhex.
func unhex(t testing.TB, s string) []byte { t.Helper(); return testpeer.Unhex(t, s) }

func mustAMF(t testing.TB, vals ...any) []byte {
	t.Helper()
	b, err := amf0.Encode(vals...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readSampleFLV returns the packets of flv/testdata/sample.flv.
func readSampleFLV(t testing.TB) []media.Packet {
	t.Helper()
	f, err := os.Open(testpeer.SampleFLV(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := flv.ReadPackets(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
