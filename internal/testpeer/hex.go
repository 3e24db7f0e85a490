package testpeer

import (
	"encoding/hex"
	"testing"
)

// Unhex decodes a hex string written in a test, failing the test on a typo.
func Unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
