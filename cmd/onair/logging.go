package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/seed7c1a73c4/onair/app"
)

// newLogger returns a text logger on w at the named level, redacting secrets.
func newLogger(w io.Writer, level string, secrets *app.Secrets) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("unknown log level %q: use debug, info, warn or error", level)
	}
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})
	return slog.New(secrets.Handler(h)), nil
}

// fail prints one redacted sentence per error line and returns exit code 1.
func fail(w io.Writer, secrets *app.Secrets, err error) int {
	for _, line := range strings.Split(secrets.Redact(err.Error()), "\n") {
		fmt.Fprintf(w, "onair: %s\n", line)
	}
	return 1
}

// parseFlags parses a subcommand's flags and refuses stray arguments. When
// it reports false the command returns exit: 0 after -h printed the flags,
// 2 after printing what was wrong.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (exit int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false // -h printed the flags: asked for, not an error
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "onair: unexpected argument %q\n", fs.Arg(0))
		return 2, false
	}
	return 0, true
}
