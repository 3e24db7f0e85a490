package rtmp

import (
	"testing"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// unhex is testpeer.Unhex.
func unhex(t testing.TB, s string) []byte { t.Helper(); return testpeer.Unhex(t, s) }
