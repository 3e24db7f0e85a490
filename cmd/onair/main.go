// Command onair is OnAir Studio: a desktop streaming studio with a built-in
// RTMP server. With no subcommand it opens the studio window.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	// Before Fyne initialises: a C.UTF-8 locale would make it log errors.
	_ "github.com/seed7c1a73c4/onair/internal/localeenv"
)

const usage = `usage: onair [command] [flags]

commands:
  (none)     open the studio window
  publish    capture, encode once and publish to one or more RTMP/RTMPS servers
  serve      run the built-in RTMP server (ingest from cameras, OBS, ffmpeg; play-out)
  bench      load-test an RTMP server: "bench publish" and "bench play"
  devices    list cameras, microphones, screens and the built-in test sources
  version    print the version (also: onair --version)

flags of the window (onair with no command):
`

// usageEnd follows the window's flags in the usage.
const usageEnd = `
Run "onair COMMAND -h" for a command's flags.
`

// printMainUsage prints the usage: the commands, then the window's own flags.
func printMainUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	fs := flag.NewFlagSet("onair", flag.ContinueOnError)
	fs.SetOutput(w)
	defineWindowFlags(fs)
	fs.PrintDefaults()
	fmt.Fprint(w, usageEnd)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the process exit code:
// 0 success, 1 failure, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isGUIFlag(args[0]) {
		return runGUI(ctx, args, stdout, stderr)
	}
	switch args[0] {
	case "publish":
		return runPublish(ctx, args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "devices":
		return runDevices(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "onair", version())
		fmt.Fprintln(stdout, aboutLine())
		return 0
	case "help", "-h", "-help", "--help":
		printMainUsage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "onair: unknown command %q (\"onair -h\" lists the commands)\n", args[0])
	return 2
}

// isGUIFlag reports whether arg is a flag of the window (onair --profile
// DIR…) rather than a command or a help/version flag.
func isGUIFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "-version", "--version":
		return false
	}
	return strings.HasPrefix(arg, "-")
}
