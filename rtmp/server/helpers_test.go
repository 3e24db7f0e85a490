package server

import (
	"testing"

	"github.com/seed7c1a73c4/onair/rtmp"
)

// mustTarget parses a publish or play URL for the clients these tests use.
func mustTarget(t *testing.T, url, key string) rtmp.Target {
	t.Helper()
	tg, err := rtmp.ParseTarget(url, key)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}
