//go:build !linux

package main

// isTerminal assumes a terminal where the launcher is not used (the Linux
// package is the only one that installs it), so no dialog is shown.
func isTerminal(uintptr) bool { return true }
