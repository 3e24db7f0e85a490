package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

// -h is a request (exit 0), a stray argument or an unknown flag an error
// (exit 2), and both say why on stderr.
func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		exit    int
		ok      bool
		printed string
	}{
		{[]string{"-n", "3"}, 0, true, ""},
		{[]string{"-h"}, 0, false, "-n int"},
		{[]string{"--help"}, 0, false, "-n int"},
		{[]string{"-n", "3", "extra"}, 2, false, `unexpected argument "extra"`},
		{[]string{"-nope"}, 2, false, `has no --nope flag`},
	} {
		var stderr bytes.Buffer
		fs := flag.NewFlagSet("onair test", flag.ContinueOnError)
		fs.Int("n", 1, "a number")
		fs.SetOutput(&stderr)
		exit, ok := parseFlags(fs, tc.args, &stderr)
		printedOK := strings.Contains(stderr.String(), tc.printed)
		if tc.printed == "" { // good flags: nothing at all is printed
			printedOK = stderr.Len() == 0
		}
		if exit != tc.exit || ok != tc.ok || !printedOK {
			t.Errorf("parseFlags(%q) = %d, %v, printed %q; want %d, %v and %q", tc.args, exit, ok, stderr.String(), tc.exit, tc.ok, tc.printed)
		}
	}
}

// Every bad flag value is one line on stderr that names the flag, what was
// given and an example, with exit code 2 and no usage dump; a key is
// named, never shown.
func TestBadFlagValuesAreOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // each in the line
	}{
		{[]string{"publish", "--duration", "abc"}, []string{`--duration "abc" is not a duration`, "10s", "2m"}},
		{[]string{"publish", "--duration", "-5s"}, []string{"--duration -5s is negative", "10s"}},
		{[]string{"publish", "--duration"}, []string{"--duration needs a value", "10s"}},
		{[]string{"publish", "--keyint", "2"}, []string{`--keyint "2" is not a duration`, "10s"}},
		{[]string{"publish", "--size", "1280"}, []string{`--size "1280" is not a size`, "1280x720"}},
		{[]string{"publish", "--video-bitrate", "fast"}, []string{`--video-bitrate "fast" is not a bitrate`, "4500k"}},
		{[]string{"publish", "--audio-bitrate", "loud"}, []string{`--audio-bitrate "loud" is not a bitrate`, "4500k"}},
		{[]string{"publish", "--fps", "thirty"}, []string{`--fps "thirty" is not a whole number`, "e.g. 30"}},
		{[]string{"publish", "--to", "rtmp://h/live", "--key", "abcd efgh-SECRET"}, []string{"--key: the stream key has a space in it"}},
		{[]string{"publish", "--nope"}, []string{"onair publish has no --nope flag", "onair publish -h"}},
		{[]string{"serve", "--idle-timeout", "20"}, []string{`--idle-timeout "20" is not a duration`, "10s"}},
		{[]string{"serve", "--max-message-size", "8MB"}, []string{`--max-message-size "8MB" is not a whole number`, "8388608"}},
		{[]string{"bench", "publish", "--size", "big"}, []string{`--size "big" is not a size`}},
		{[]string{"bench", "publish", "--video-bitrate", "x"}, []string{`--video-bitrate "x" is not a bitrate`}},
		{[]string{"bench", "play", "--ramp", "soon"}, []string{`--ramp "soon" is not a duration`}},
		{[]string{"bench", "play", "--players", "many"}, []string{`--players "many" is not a whole number`, "e.g. 10"}},
		{[]string{"devices", "--log-level", "loud"}, []string{`--log-level "loud" is not a log level`}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		out := stderr.String()
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		ok := code == 2 && len(lines) == 1 && strings.HasPrefix(out, "onair: ") && !strings.Contains(out, "SECRET")
		for _, w := range tc.want {
			ok = ok && strings.Contains(out, w)
		}
		if !ok {
			t.Errorf("onair %s: exit %d, stderr (%d lines):\n%s\nwant exit 2 and one line with %q", strings.Join(tc.args, " "), code, len(lines), out, tc.want)
		}
	}
}

// Help is asked for, not an error: exit 0 and the text on stdout.
func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"bench", "-h"}, []string{"bench publish|play", "publish", "play"}},
		{[]string{"bench", "--help"}, []string{"bench publish|play"}},
		{[]string{"--help"}, []string{"commands:", "-profile", "-ca-file", "-log-level"}},
		{[]string{"-h"}, []string{"-profile", "-ca-file", "-log-level"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		ok := code == 0 && stderr.Len() == 0
		for _, w := range tc.want {
			ok = ok && strings.Contains(stdout.String(), w)
		}
		if !ok || strings.Contains(stdout.String(), "automation") {
			t.Errorf("onair %s: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0 and %q (and not the test hook)", strings.Join(tc.args, " "), code, stdout.String(), stderr.String(), tc.want)
		}
	}
}
