package encode

import (
	"context"
	"log/slog"
	"strings"

	"github.com/asticode/go-astiav"
)

// RouteLibavLog sends FFmpeg's own log messages (libx264's banner and
// statistics, decoder warnings…) to log instead of stderr: errors at Warn,
// warnings at Info and everything else at Debug. libav's log callback is
// process-wide, so call this once, from main.
func RouteLibavLog(log *slog.Logger) {
	astiav.SetLogLevel(astiav.LogLevelVerbose)
	astiav.SetLogCallback(func(c astiav.Classer, l astiav.LogLevel, _, msg string) {
		msg = strings.TrimSpace(msg)
		if msg == "" {
			return
		}
		name := "libav"
		if c != nil && c.Class() != nil {
			name = c.Class().ItemName()
		}
		level := slog.LevelDebug
		switch {
		case l <= astiav.LogLevelError:
			level = slog.LevelWarn
		case l <= astiav.LogLevelWarning:
			level = slog.LevelInfo
		}
		log.Log(context.Background(), level, msg, "component", "libav", "from", name)
	})
}
