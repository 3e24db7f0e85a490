//go:build interop

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestInteropNoDisplay: onair with no graphical session says so in one
// sentence (with the headless commands), exits 1 at once, and starts
// nothing first: no local server, no program. It used to print a 40-line
// GLFW panic after it had started the server on 127.0.0.1:1935.
func TestInteropNoDisplay(t *testing.T) {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	for _, tc := range []struct{ name, display string }{
		{"unset", ""},
		{"nobody answers", ":97"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, onairBin, "--profile", t.TempDir(), "--log-level", "debug")
			cmd.Env = append(append([]string(nil), env...), "HOME="+t.TempDir())
			if tc.display != "" {
				cmd.Env = append(cmd.Env, "DISPLAY="+tc.display)
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Errorf("exit: %v; want exit status 1", err)
			}
			out := stderr.String()
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if len(lines) != 1 || !strings.Contains(out, "needs a graphical session") ||
				!strings.Contains(out, "onair serve") || !strings.Contains(out, "onair publish") {
				t.Errorf("stderr (%d lines):\n%s\nwant one line saying the window needs a graphical session, naming onair serve and onair publish", len(lines), out)
			}
			for _, started := range []string{"panic", "RTMP server listening", "local server on", "GLFW"} {
				if strings.Contains(out+stdout.String(), started) {
					t.Errorf("the output has %q: something started before the display check", started)
				}
			}
			t.Logf("%s: exit after %v: %s", tc.name, time.Since(start).Round(time.Millisecond), strings.TrimSpace(out))
		})
	}
}
