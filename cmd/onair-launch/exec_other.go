//go:build !unix

package main

import (
	"errors"
	"os"
	"os/exec"
)

// execStudio runs the studio as a child where a process cannot replace
// itself, and exits with its code. It returns only when it cannot start it.
func execStudio(studio string, args, env []string) error {
	cmd := exec.Command(studio, args[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}
