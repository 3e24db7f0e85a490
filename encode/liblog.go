package encode

import (
	"context"
	"log/slog"
	"strings"

	"github.com/asticode/go-astiav"
)

// RouteLibavLog sends FFmpeg's own log messages to log instead of stderr,
// each at its own level: errors at Error, warnings at Warn, and everything
// else (libx264's banner and statistics, the AAC encoder's notes) at Debug,
// so a normal log shows only what needs attention. libav's log callback is
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
		log.Log(context.Background(), libavLevel(l), msg, "component", "libav", "from", name)
	})
}

// libavLevel maps a libav log level to slog's: panic, fatal and error are
// errors, warning is a warning, and info, verbose and debug are debug.
func libavLevel(l astiav.LogLevel) slog.Level {
	switch {
	case l <= astiav.LogLevelError:
		return slog.LevelError
	case l <= astiav.LogLevelWarning:
		return slog.LevelWarn
	default:
		return slog.LevelDebug
	}
}
