package encode

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/asticode/go-astiav"
)

func TestLibavLevel(t *testing.T) {
	for l, want := range map[astiav.LogLevel]slog.Level{
		astiav.LogLevelPanic: slog.LevelError, astiav.LogLevelFatal: slog.LevelError, astiav.LogLevelError: slog.LevelError,
		astiav.LogLevelWarning: slog.LevelWarn, astiav.LogLevelInfo: slog.LevelDebug, astiav.LogLevelVerbose: slog.LevelDebug,
		astiav.LogLevelDebug: slog.LevelDebug,
	} {
		if got := libavLevel(l); got != want {
			t.Errorf("libav level %d → %v, want %v", l, got, want)
		}
	}
}

// TestRouteLibavLogQuietsStatistics: with the log routed, libx264's banner
// and end-of-stream statistics arrive at Debug, so an Info log shows none.
func TestRouteLibavLogQuietsStatistics(t *testing.T) {
	var buf logBuffer
	RouteLibavLog(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(testLibavLog) // back to TestMain's callback
	cfg := testVideoConfig()
	e, err := NewVideoEncoder(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	encodeFrames(t, e, cfg.FPS, seq(10), movingFrames(cfg.Width, cfg.Height, 10))
	e.Close()
	x264 := 0
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec struct {
			Level, Msg, From string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if strings.Contains(rec.Msg, "frame I:") || strings.Contains(rec.Msg, "profile High") {
			x264++
			if rec.Level != "DEBUG" {
				t.Errorf("x264's %q logged at %s, want DEBUG", rec.Msg, rec.Level)
			}
		}
	}
	if x264 == 0 {
		t.Fatalf("no x264 statistics were routed:\n%s", buf.String())
	}
}
