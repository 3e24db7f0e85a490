package program

import (
	"log/slog"
	"os"
	"testing"

	"github.com/seed7c1a73c4/onair/encode"
)

// TestMain routes libav's log as the binary does, with warnings and errors
// on stderr: x264's and the AAC encoder's statistics (Debug) would else
// fill the output of every failing test.
func TestMain(m *testing.M) {
	encode.RouteLibavLog(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	os.Exit(m.Run())
}
