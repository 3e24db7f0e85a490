package testpeer

import (
	"path/filepath"
	"runtime"
	"testing"
)

// SampleFLV returns the path of flv/testdata/sample.flv, a 2 s H.264
// High 320x240 30 fps and AAC-LC 48 kHz stereo clip that the protocol
// tests publish.
func SampleFLV(t testing.TB) string {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate internal/testpeer")
	}
	return filepath.Join(filepath.Dir(here), "..", "..", "flv", "testdata", "sample.flv")
}
