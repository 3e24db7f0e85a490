//go:build unix

package main

import "syscall"

// execStudio replaces this process with the studio: the pid stays (users
// send it SIGUSR1), argv[0] stays what the user typed, and every argument
// and the environment pass through. It returns only on failure.
func execStudio(studio string, args, env []string) error {
	return syscall.Exec(studio, args, env)
}
