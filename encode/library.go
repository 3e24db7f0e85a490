package encode

/*
#cgo pkg-config: libavutil libavcodec
#include <libavutil/avutil.h>
#include <libavcodec/version_major.h>

// The studio is built against the pinned FFmpeg 7.1 (libavcodec 61) that
// `make ffmpeg` builds; a system FFmpeg found by pkg-config instead would
// compile, link to other libraries and misread their structures.
#if LIBAVCODEC_VERSION_MAJOR != 61
#error "OnAir Studio builds against the pinned FFmpeg 7.1.5 only: run make ffmpeg, then eval \"$(make -s env)\" before go build or go test"
#endif
*/
import "C"

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/asticode/go-astiav"
)

// LibraryVersion names the FFmpeg linked into this binary ("FFmpeg 7.1.5")
// and the software encoders in it ("FFmpeg 7.1.5 with x264 and x265").
func LibraryVersion() string {
	v := "FFmpeg " + C.GoString(C.av_version_info())
	var with []string
	for _, enc := range []string{"x264", "x265"} {
		if astiav.FindEncoderByName("lib"+enc) != nil {
			with = append(with, enc)
		}
	}
	if len(with) > 0 {
		v += " with " + strings.Join(with, " and ")
	}
	return v
}

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

// warnLimiter logs a recurring problem at Warn at most once per interval of
// stream time, and says how many occurrences it held back in between.
type warnLimiter struct {
	interval time.Duration
	last     time.Duration
	logged   bool
	held     int
}

// warn logs msg unless one was logged less than interval ago (stream time).
func (w *warnLimiter) warn(log *slog.Logger, now time.Duration, msg string, args ...any) {
	if w.logged && now-w.last < w.interval && now >= w.last {
		w.held++
		return
	}
	if w.held > 0 {
		args = append(args, "similar_since_last_warning", w.held)
	}
	log.Warn(msg, args...)
	w.logged, w.last, w.held = true, now, 0
}
