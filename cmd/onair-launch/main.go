// Command onair-launch is what the Linux package installs as `onair`. It
// finds the real studio binary next to it (PREFIX/lib/onair/onair-studio),
// asks the dynamic loader, without running the studio, whether every
// shared library it needs is there, and then replaces itself with the
// studio (same pid, same arguments, same environment). FFmpeg and x264 are
// inside the studio; when a library it still shares with the computer (GL,
// X11, VA-API) is missing, it says in one sentence what to install, on
// stderr and, when started from a desktop menu, in a dialog, and exits 1:
// never a loader crash without an explanation.
//
// It is pure Go (CGO_ENABLED=0) so that it starts even when none of the
// studio's libraries can be loaded.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// checkTimeout bounds the loader query; past it the studio starts unchecked.
const checkTimeout = 5 * time.Second

func main() {
	os.Exit(run())
}

// run does the launcher's work and returns the exit code when it cannot
// hand over to the studio (on success it never returns).
func run() int {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return fail(fmt.Sprintf("OnAir Studio cannot find where it is installed (%v): reinstall it.", err))
	}
	studio := studioPath(exe)
	if msg := checkInstalled(studio); msg != "" {
		return fail(msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	rep, err := inspect(ctx, studio, os.Environ())
	cancel()
	if err != nil {
		return fail(fmt.Sprintf("OnAir Studio's program %s is damaged (%v): reinstall it.", studio, err))
	}
	if rep.problem() {
		return fail(sentence(rep))
	}
	if err := execStudio(studio, os.Args, os.Environ()); err != nil {
		return fail(fmt.Sprintf("OnAir Studio could not start %s (%v): reinstall it.", studio, err))
	}
	return 0
}

// fail tells the user msg (stderr, and a dialog when there is no terminal
// but a desktop) and returns the exit code 1.
func fail(msg string) int {
	fmt.Fprintln(os.Stderr, msg)
	if !isTerminal(os.Stderr.Fd()) && (os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "") {
		showDialog(msg, dialogTimeout)
	}
	return 1
}
