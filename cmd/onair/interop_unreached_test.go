//go:build interop

package main

import (
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInteropPublishNeverReached: publish without --duration to a port
// nobody listens on retries for ever; after the first failure it says that
// it keeps retrying and how to stop, and calls the destination "could not
// connect", not "lost". Ctrl-C ends it.
func TestInteropPublishNeverReached(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // refused from now on
	cmd, stderr := startOnair(t, "publish", "--size", "320x240", "--video-bitrate", "300k", "--to", "rtmp://"+addr+"/live/never-reached-key-0123")
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(stderr.String(), "could not connect") || !strings.Contains(stderr.String(), "keeps retrying") {
		if time.Now().After(deadline) {
			t.Fatalf("15 s after the start, no 'could not connect' and 'keeps retrying':\n%s", stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	out := stderr.String()
	if !strings.Contains(out, "Ctrl-C") {
		t.Errorf("the notice does not say how to stop:\n%s", out)
	}
	if strings.Contains(out, "destination lost") {
		t.Errorf("a destination never reached is called lost:\n%s", out)
	}
	if strings.Contains(out, "never-reached-key-0123") {
		t.Errorf("the stream key shows in the output:\n%s", out)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("publish did not end within 10 s of Ctrl-C")
	}
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(l, "keeps retrying") || strings.Contains(l, "could not connect") || strings.HasPrefix(l, "onair:") {
			t.Log(l)
		}
	}
}
