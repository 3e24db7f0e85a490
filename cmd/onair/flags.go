package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
)

// parseFlags parses a subcommand's flags and refuses stray arguments. When
// it reports false the command returns exit: 0 after -h printed the flags,
// 2 after printing, in one line, what was wrong (never the usage: a bad
// value is named with an example of a good one).
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (exit int, ok bool) {
	fs.SetOutput(io.Discard) // the flag package would print the usage after every error
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(fs)
		return 0, false // -h printed the flags: asked for, not an error
	}
	if err == nil {
		err = checkParsed(fs)
	}
	if err != nil {
		fmt.Fprintf(stderr, "onair: %s\n", flagError(fs, err))
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "onair: unexpected argument %q (flags start with --)\n", fs.Arg(0))
		return 2, false
	}
	return 0, true
}

// printUsage prints fs's usage: its Usage function, which is the flag
// package's "Usage of NAME:" and the flags unless the command set its own.
func printUsage(fs *flag.FlagSet) { fs.Usage() }

// checkParsed refuses negative durations: every duration flag is a length
// of time or a timeout.
func checkParsed(fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if g, ok := f.Value.(flag.Getter); ok && err == nil {
			if d, ok := g.Get().(time.Duration); ok && d < 0 {
				err = fmt.Errorf("--%s %s is negative: use e.g. 10s or 2m", f.Name, d)
			}
		}
	})
	return err
}

// The flag package's error formats (flag.go, unchanged since Go 1.0).
var (
	flagBadValue  = regexp.MustCompile(`^invalid value (".*") for flag -([^:]+): (.*)$`)
	flagBadBool   = regexp.MustCompile(`^invalid boolean value (".*") for -([^:]+): `)
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -(.+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -(.+)$`)
)

// flagError turns a parse error into one sentence that names the flag,
// what was given (unless the flag holds a secret) and an example.
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		f := fs.Lookup(m[2])
		given, uerr := strconv.Unquote(m[1])
		if f == nil || uerr != nil {
			return msg
		}
		if what, example, ok := flagKind(f); ok {
			return fmt.Sprintf("--%s %q is not %s: use e.g. %s", f.Name, given, what, example)
		}
		return fmt.Sprintf("--%s: %s", f.Name, m[3]) // our own Set said why, without the value
	}
	if m := flagBadBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s takes no value (or =true, =false); %s is not one", m[2], m[1])
	}
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s has no --%s flag (%q lists its flags)", fs.Name(), m[1], fs.Name()+" -h")
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		if f := fs.Lookup(m[1]); f != nil {
			if _, example, ok := flagKind(f); ok {
				return fmt.Sprintf("--%s needs a value, e.g. --%s %s", f.Name, f.Name, strings.Fields(example)[0])
			}
		}
		return fmt.Sprintf("--%s needs a value", m[1])
	}
	return msg
}

// flagKind describes what a flag takes, with an example, for the flags
// whose values may be repeated in a message (not keys or URLs).
func flagKind(f *flag.Flag) (what, example string, ok bool) {
	if k, ok := f.Value.(interface{ kind() (string, string) }); ok {
		what, example = k.kind()
		return what, example, true
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return "", "", false
	}
	switch g.Get().(type) {
	case time.Duration:
		return "a duration", "10s or 2m", true
	case int, int64, uint, uint64:
		return "a whole number", exampleOr(f.DefValue, "10"), true
	case float64:
		return "a number", exampleOr(f.DefValue, "30"), true
	}
	return "", "", false
}

// exampleOr is the flag's default as an example, unless it is zero.
func exampleOr(def, other string) string {
	if def == "" || def == "0" {
		return other
	}
	return def
}

// sizeValue is a WIDTHxHEIGHT flag.
type sizeValue struct{ w, h *int }

func (v sizeValue) String() string {
	if v.w == nil {
		return ""
	}
	return fmt.Sprintf("%dx%d", *v.w, *v.h)
}

func (v sizeValue) Set(s string) error {
	w, h, err := program.ParseSize(s)
	if err != nil {
		return err
	}
	*v.w, *v.h = w, h
	return nil
}

func (sizeValue) kind() (string, string) { return "a size", "1280x720 or 1920x1080" }

// bitrateValue is a bitrate flag in bits per second: 4500k, 6M.
type bitrateValue struct{ p *int }

func (v bitrateValue) String() string {
	if v.p == nil {
		return ""
	}
	return program.FormatBitrate(*v.p)
}

func (v bitrateValue) Set(s string) error {
	b, err := program.ParseBitrate(s)
	if err != nil {
		return err
	}
	*v.p = b
	return nil
}

func (bitrateValue) kind() (string, string) { return "a bitrate", "4500k or 6M" }

// logLevelValue is a --log-level flag: debug, info, warn or error.
type logLevelValue struct{ p *string }

// logLevelFlag defines --log-level on fs with the default def.
func logLevelFlag(fs *flag.FlagSet, def string) *string {
	p := new(string)
	*p = def
	fs.Var(logLevelValue{p}, "log-level", "log `level`: debug, info, warn or error")
	return p
}

func (v logLevelValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v logLevelValue) Set(s string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return err
	}
	*v.p = s
	return nil
}

func (logLevelValue) kind() (string, string) { return "a log level", "info or debug (or warn, error)" }
