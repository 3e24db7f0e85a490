//go:build interop

package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropMultistreamBlackhole is acceptance 2: a destination that
// accepts TCP and never reads, from the start or from mid-stream on, does
// not disturb the others (no gap over 100 ms in what they record) and is
// marked failed, with a reason, within 15 s.
func TestInteropMultistreamBlackhole(t *testing.T) {
	hole := blackhole(t)
	a := testpeer.StartNginx(t, testpeer.NginxOptions{})
	dark := testpeer.StartNginx(t, testpeer.NginxOptions{})
	proxy := startFreezeProxy(t, dark.Addr())
	srv := startServe(t)
	dir := t.TempDir()
	recA := testpeer.Record(t, a.URL("bh"), filepath.Join(dir, "a.flv"))
	recS := testpeer.Record(t, srv.url("bh"), filepath.Join(dir, "serve.flv"))
	time.Sleep(300 * time.Millisecond)
	const dur = 30 * time.Second
	start := time.Now()
	cmd, stderr := startOnair(t, "publish", "--size", "640x360", "--video-bitrate", "1000k",
		"--to", "rtmp://"+hole+"/live/bh", "--to", a.URL("bh"), "--to", "rtmp://"+proxy.addr()+"/live/bh",
		"--to", srv.url("bh"), "--duration", dur.String())
	for _, d := range []string{a.Addr() + "/", proxy.addr() + "/", srv.addr + "/"} {
		waitEvent(t, stderr, d, "live", start, 20*time.Second)
	}
	// Never reached: it "could not connect" (one that was live is "lost").
	failed := waitEvent(t, stderr, hole+"/", "could not connect to the destination; retrying", start, 20*time.Second)
	t.Logf("the blackhole is marked failed %s after the start: %s", failed.at.Sub(start).Round(time.Millisecond), failed.raw)
	if failed.at.Sub(start) > 15*time.Second || !strings.Contains(failed.raw, "err=") {
		t.Errorf("the blackhole is marked failed %s after the start, want within 15 s with a reason", failed.at.Sub(start))
	}

	time.Sleep(3 * time.Second)
	frozen := time.Now()
	proxy.freeze()
	dead, ok := logEntry{}, false
	for deadline := frozen.Add(40 * time.Second); time.Now().Before(deadline) && !ok; time.Sleep(100 * time.Millisecond) {
		dead, ok = firstEvent(stderr.String(), proxy.addr()+"/", "destination lost; reconnecting", frozen)
	}
	if !ok {
		t.Errorf("the destination that went dark mid-stream was not marked failed within 40 s")
	} else {
		t.Logf("the dark destination is marked failed %s after it froze: %s", dead.at.Sub(frozen).Round(time.Millisecond), dead.raw)
		if dead.at.Sub(frozen) > 15*time.Second {
			t.Errorf("the dark destination is marked failed %s after it froze, want within 15 s", dead.at.Sub(frozen))
		}
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		last := lines[len(lines)-1]
		if err == nil || !strings.HasPrefix(last, "onair: ") || !strings.Contains(stderr.String(), "was not live when the broadcast ended") {
			t.Errorf("exit %v, last line %q; want a non-zero exit naming what was not live at the end", err, last)
		}
	case <-time.After(dur + 30*time.Second - time.Since(start)):
		t.Fatalf("onair publish did not end after --duration:\n%s", stderr)
	}
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(l, "onair: ") {
			t.Logf("%s", l)
		}
	}
	recA.Wait(20 * time.Second)
	recS.Wait(20 * time.Second)
	checkNoGap(t, "nginx A", recA.Path, dur.Seconds()-3)
	checkNoGap(t, "onair serve", recS.Path, dur.Seconds()-3)
	if t.Failed() {
		t.Logf("onair:\n%s", stderr)
	}
}
