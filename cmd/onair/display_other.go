//go:build !(linux || freebsd || openbsd || netbsd)

package main

// displayProblem is "" on macOS and Windows: a desktop session is always there.
func displayProblem() string { return "" }
