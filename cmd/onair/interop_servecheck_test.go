//go:build interop

package main

import (
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// checkServe starts serve, an `onair serve --listen addr` built elsewhere
// (in a Debian root, under Wine), pushes into it with the host's ffmpeg,
// plays it back with the host's ffprobe, and kills it.
func checkServe(t *testing.T, serve *exec.Cmd, addr string) {
	t.Helper()
	log := &testpeer.SyncBuffer{}
	serve.Stdout, serve.Stderr = log, log
	serve.WaitDelay = 2 * time.Second
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	defer func() {
		_ = serve.Process.Kill()
		<-done
	}()
	exited := func() error {
		select {
		case err := <-done:
			done <- err
			return fmt.Errorf("onair serve exited: %v\n%s", err, log)
		default:
			return nil
		}
	}
	if err := testpeer.WaitListening(addr, 30*time.Second, exited); err != nil {
		t.Fatal(err)
	}
	url := "rtmp://" + addr + "/live/cam"
	ffmpegLive(t, url, 20)
	waitLive(t, url)
	if p := testpeer.FFprobe(t, url); !p.HasCodecs("h264", "aac") {
		t.Errorf("onair serve played %+v; want h264 and aac\n%s", p, log)
	}
}
