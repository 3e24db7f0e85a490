package main

import (
	"bytes"
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
		{[]string{"-nope"}, 2, false, "flag provided but not defined"},
	} {
		var stderr bytes.Buffer
		fs := flag.NewFlagSet("onair test", flag.ContinueOnError)
		fs.Int("n", 1, "a number")
		fs.SetOutput(&stderr)
		exit, ok := parseFlags(fs, tc.args, &stderr)
		if exit != tc.exit || ok != tc.ok || !strings.Contains(stderr.String(), tc.printed) {
			t.Errorf("parseFlags(%q) = %d, %v, printed %q; want %d, %v and %q", tc.args, exit, ok, stderr.String(), tc.exit, tc.ok, tc.printed)
		}
	}
}
