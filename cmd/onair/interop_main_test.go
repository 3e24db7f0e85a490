//go:build interop

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// onairBin is the binary under test: $ONAIR_BIN (make test-interop builds
// it), or one built here from this package.
var onairBin string

// afterAll holds what the run must undo once every test is over (a
// temporary binary, the Wine prefix); TestMain runs it in reverse order.
var afterAll []func()

func TestMain(m *testing.M) {
	onairBin = os.Getenv("ONAIR_BIN")
	if onairBin == "" {
		dir, err := os.MkdirTemp("", "onair-interop")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		onairBin = filepath.Join(dir, "onair")
		out, err := exec.Command("go", "build", "-o", onairBin, ".").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "building onair: %v\n%s", err, out)
			os.Exit(1)
		}
		afterAll = append(afterAll, func() { os.RemoveAll(dir) })
	}
	code := m.Run()
	for i := len(afterAll) - 1; i >= 0; i-- {
		afterAll[i]()
	}
	os.Exit(code)
}

// result is how one onair run ended.
type result struct {
	code    int
	stdout  string
	stderr  string
	elapsed time.Duration
}

// runOnair runs the binary with args and a hard timeout.
func runOnair(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	return runOnairEnv(t, nil, timeout, args...)
}

// runOnairEnv is runOnair with env added to the environment.
func runOnairEnv(t *testing.T, env []string, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, onairBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("onair %s did not finish within %s; stderr:\n%s", strings.Join(args, " "), timeout, r.stderr)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running onair: %v", err)
	}
	return r
}

// errorLines returns the "onair: …" lines of stderr.
func (r result) errorLines() []string {
	var out []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "onair: ") {
			out = append(out, l)
		}
	}
	return out
}

// startOnair starts the binary in the background; the test stops it.
func startOnair(t *testing.T, args ...string) (*exec.Cmd, *testpeer.SyncBuffer) {
	t.Helper()
	cmd := exec.Command(onairBin, args...)
	stderr := &testpeer.SyncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting onair: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, stderr
}
