//go:build interop

package main

import (
	"strings"
	"testing"
	"time"
)

// TestInteropServeLANNeedsKeys checks that a LAN listener without keys is
// refused with one sentence (nothing is bound).
func TestInteropServeLANNeedsKeys(t *testing.T) {
	r := runOnair(t, 10*time.Second, "serve", "--listen", "0.0.0.0:0")
	if r.code == 0 || len(r.errorLines()) != 1 || !strings.Contains(r.stderr, "needs publish keys") {
		t.Fatalf("exit %d, stderr %q; want a refusal naming the missing keys", r.code, r.stderr)
	}
}
