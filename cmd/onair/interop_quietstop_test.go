//go:build interop

package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// noisyStop are log lines a clean stop must not have: a connection's
// close reason (the server gave "timed out waiting for the client" for
// every clean stop of a connection older than its idle timeout), a
// warning or an error.
func noisyStop(log string) []string {
	var bad []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "the client closed the connection") {
			continue // startServe's probe of the port: a connection without a handshake
		}
		if strings.Contains(l, "reason=") || strings.Contains(l, "timed out") ||
			strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
			bad = append(bad, l)
		}
	}
	return bad
}

// TestInteropCleanStopIsQuiet: publishers that end cleanly after more than
// the server's idle timeout (ffmpeg, and onair publish), and Ctrl-C of the
// server and of the window, log no close reason, warning or error.
func TestInteropCleanStopIsQuiet(t *testing.T) {
	t.Run("serve", func(t *testing.T) {
		srv := startServe(t, "--idle-timeout", "2s")
		ff := ffmpegLive(t, srv.url("ffmpeg-quiet"), 4)
		r := runOnair(t, time.Minute, "publish", "--size", "320x240", "--video-bitrate", "300k",
			"--to", srv.url("publish-quiet"), "--duration", "4s")
		if r.code != 0 {
			t.Fatalf("publish exit %d:\n%s", r.code, r.stderr)
		}
		if bad := noisyStop(r.stderr); len(bad) > 0 {
			t.Errorf("onair publish ended with:\n%s", strings.Join(bad, "\n"))
		}
		ff.wait(t, "ffmpeg", 20*time.Second)
		time.Sleep(500 * time.Millisecond) // the server reads both hang-ups
		_ = srv.cmd.Process.Signal(syscall.SIGINT)
		if err := srv.cmd.Wait(); err != nil {
			t.Errorf("onair serve after Ctrl-C: %v", err)
		}
		if bad := noisyStop(srv.stderr.String()); len(bad) > 0 {
			t.Errorf("onair serve logged, for clean stops:\n%s", strings.Join(bad, "\n"))
		}
		if !strings.Contains(srv.stderr.String(), "unpublished") {
			t.Errorf("the server did not see the publishers unpublish:\n%s", srv.stderr)
		}
	})

	t.Run("window", func(t *testing.T) {
		x := startXvfb(t)
		profile := t.TempDir()
		port := testpeer.FreePortPair(t)
		writeProfile(t, profile, func(st *app.Settings) {
			st.Server.On, st.Server.Port = true, port
			st.Output.Preset = "ultrafast"
		})
		g := startGUI(t, x, profile)
		// The window runs for longer than the local server's 20 s idle
		// timeout (its program is published in-process since issue 13).
		time.Sleep(server.DefaultConfig().IdleTimeout + 2*time.Second)
		_ = g.cmd.Process.Signal(syscall.SIGINT)
		err, ok := g.waitExit(15 * time.Second)
		if !ok {
			t.Fatal("the window did not end within 15 s of Ctrl-C")
		}
		if err != nil {
			t.Errorf("the window after Ctrl-C: %v", err)
		}
		if bad := noisyStop(g.stderr.String()); len(bad) > 0 {
			t.Errorf("the window logged, for a clean stop:\n%s", strings.Join(bad, "\n"))
		}
	})
}

// waitExit waits up to timeout for the window's process to end and
// returns how it ended; ok is false when it is still running.
func (g *guiApp) waitExit(timeout time.Duration) (err error, ok bool) {
	select {
	case err := <-g.done:
		g.done <- err
		return err, true
	case <-time.After(timeout):
		return nil, false
	}
}
