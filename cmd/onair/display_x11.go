//go:build linux || freebsd || openbsd || netbsd

package main

import "os"

// displayProblem says why the window cannot open here ("" when it can):
// the window is an X11 one on these systems.
func displayProblem() string {
	return xDisplayProblem(os.Getenv("DISPLAY"), os.Getenv("WAYLAND_DISPLAY"))
}
