package encode

import (
	"log/slog"
	"time"
)

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
