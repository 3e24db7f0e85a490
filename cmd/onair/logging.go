package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/seed7c1a73c4/onair/app/store"
)

// newLogger returns a text logger on w at the named level, redacting secrets.
func newLogger(w io.Writer, level string, secrets *store.Secrets) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("--log-level %q is not a log level: use debug, info, warn or error", level)
	}
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})
	return slog.New(secrets.Handler(h)), nil
}

// fail prints one redacted sentence per error line and returns exit code 1.
func fail(w io.Writer, secrets *store.Secrets, err error) int {
	for _, line := range strings.Split(secrets.Redact(store.PlainError(err.Error())), "\n") {
		fmt.Fprintf(w, "onair: %s\n", line)
	}
	return 1
}
