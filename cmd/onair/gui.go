package main

import (
	"context"
	"fmt"
	"io"
)

// runGUI opens the studio window.
//
// The window (issue 4) is not built yet, so this says so plainly instead of
// pretending; the headless commands work.
func runGUI(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprint(stderr, "onair: the studio window is not available in this build yet; use \"onair publish\" (see onair -h)\n")
	return 2
}
