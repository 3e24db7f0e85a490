package rtmp

import (
	"encoding/hex"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

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
	r := flv.NewReader(f, 0)
	var out []media.Packet
	for {
		tag, err := r.ReadTag()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := tag.Packet()
		if errors.Is(err, flv.ErrNotMedia) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
}
