package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/capture"
)

func runDevices(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("onair devices", flag.ContinueOnError)
	fs.SetOutput(stderr)
	logLevel := logLevelFlag(fs, "warn")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	secrets := &store.Secrets{}
	log, err := newLogger(stderr, *logLevel, secrets)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	devs, err := capture.ListDevices(log)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	printDevices(stdout, devs, log)
	return 0
}

func printDevices(w io.Writer, devs []capture.Device, _ *slog.Logger) {
	for _, kind := range []capture.DeviceKind{capture.KindCamera, capture.KindMicrophone, capture.KindDesktopAudio, capture.KindScreen, capture.KindTest} {
		heading := string(kind) + "s" // cameras, microphones, screens, tests
		if kind == capture.KindDesktopAudio {
			heading = string(kind)
		}
		fmt.Fprintf(w, "%s:\n", heading)
		n := 0
		for _, d := range devs {
			if d.Kind != kind {
				continue
			}
			n++
			fmt.Fprintf(w, "  %-22s %s\n", d.Spec, d.Label)
			if len(d.Modes) > 0 {
				modes := make([]string, 0, len(d.Modes))
				for _, m := range d.Modes {
					modes = append(modes, fmt.Sprintf("%dx%d@%g", m.Width, m.Height, m.FPS))
				}
				fmt.Fprintf(w, "  %-22s modes: %s\n", "", strings.Join(modes, " "))
			}
		}
		if n == 0 {
			fmt.Fprintln(w, "  (none found)")
		}
	}
}
