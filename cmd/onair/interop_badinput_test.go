//go:build interop

package main

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// blackhole accepts TCP connections and never answers.
func blackhole(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().String()
}

// TestInteropBadInput is acceptance 5: every bad input gives one clear line
// on stderr and a non-zero exit.
func TestInteropBadInput(t *testing.T) {
	t.Parallel()
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{DenyPublish: true})
	cases := []struct {
		name    string
		args    []string
		want    string // regexp the one error line must match
		maxTime time.Duration
	}{
		{"malformed URL", []string{"--to", "rtmp://"}, `(?i)url|host`, 5 * time.Second},
		{"unknown scheme", []string{"--to", "http://127.0.0.1/live/x"}, `(?i)scheme.*http`, 5 * time.Second},
		{"publish denied", []string{"--to", ng.URL("x")}, `(?i)refus|denied|closed`, 10 * time.Second},
		{"unknown device", []string{"--video", "camera:nope", "--to", ng.URL("x")}, `(?i)no camera "nope"`, 5 * time.Second},
		{"size 0x0", []string{"--size", "0x0", "--to", ng.URL("x")}, `(?i)size 0x0`, 5 * time.Second},
		{"size 7x7", []string{"--size", "7x7", "--to", ng.URL("x")}, `(?i)size 7x7`, 5 * time.Second},
		{"size 100000x100000", []string{"--size", "100000x100000", "--to", ng.URL("x")}, `(?i)size 100000x100000`, 5 * time.Second},
		{"bitrate 0", []string{"--video-bitrate", "0", "--to", ng.URL("x")}, `(?i)video bitrate 0`, 5 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := runOnair(t, 40*time.Second, append([]string{"publish", "--duration", "5s"}, c.args...)...)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if r.code == 0 || len(lines) != 1 || !regexp.MustCompile(c.want).MatchString(lines[0]) ||
				!strings.HasPrefix(lines[0], "onair: ") {
				t.Fatalf("exit %d, stderr %q; want a non-zero exit and one line matching %s", r.code, r.stderr, c.want)
			}
			if r.elapsed > c.maxTime {
				t.Errorf("took %s, want under %s", r.elapsed, c.maxTime)
			}
			t.Logf("%s → %s (%s)", c.name, lines[0], r.elapsed.Round(time.Millisecond))
		})
	}
}

// TestInteropUnreachableIsRetried: a server that is down or does not answer
// is not a bad input (it may come up): publish keeps retrying it, says why
// on each try, and at the end of --duration exits non-zero with one line
// naming the destination that never went live. (Before destinations
// reconnected, these failed at once.)
func TestInteropUnreachableIsRetried(t *testing.T) {
	t.Parallel()
	refused := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))
	hole := blackhole(t)
	cases := []struct {
		name  string
		url   string
		retry string // regexp a "reconnecting" line must match
		end   string // regexp the one error line must match
		wait  time.Duration
	}{
		{"refused port", "rtmp://" + refused + "/live/x", `err="connection refused`, `(?i)not live when the broadcast ended: connection refused`, 0},
		// Encoding starts once every destination has tried: after the 10 s timeout.
		{"blackholed ingest", "rtmp://" + hole + "/live/x", `err=".*did not answer`, `(?i)not live when the broadcast ended`, 10 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := runOnair(t, 60*time.Second, "publish", "--size", "640x360", "--video-bitrate", "800k",
				"--duration", "12s", "--to", c.url)
			lines := r.errorLines()
			if r.code == 0 || len(lines) != 1 || !regexp.MustCompile(c.end).MatchString(lines[0]) {
				t.Fatalf("exit %d, error lines %q; want a non-zero exit and one line matching %s\n%s", r.code, lines, c.end, r.stderr)
			}
			// Never reached: "could not connect", not "lost".
			if !regexp.MustCompile(`level=WARN msg="could not connect to the destination; retrying" .*`+c.retry).MatchString(r.stderr) ||
				strings.Contains(r.stderr, "destination lost") {
				t.Errorf("no 'could not connect' line matching %s, or a 'destination lost' line:\n%s", c.retry, r.stderr)
			}
			if r.elapsed < c.wait+11*time.Second || r.elapsed > c.wait+20*time.Second {
				t.Errorf("took %s, want %s to connect and the 12 s of --duration", r.elapsed, c.wait)
			}
			t.Logf("%s → %s (%s)", c.name, lines[0], r.elapsed.Round(time.Millisecond))
		})
	}
}

// TestInteropKeysStaySecret is acceptance 6: with debug logging the stream
// key appears in no log line and no error, on success and failure paths.
func TestInteropKeysStaySecret(t *testing.T) {
	t.Parallel()
	const key = "Zq8sEcReT4711key"
	ok := testpeer.StartNginx(t, testpeer.NginxOptions{})
	denied := testpeer.StartNginx(t, testpeer.NginxOptions{DenyPublish: true})
	refused := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))
	runs := [][]string{
		{"--to", ok.URL(key)},
		{"--to", "rtmp://" + ok.Addr() + "/live", "--key", key},
		{"--to", ok.URL("cam?key=" + key)},
		{"--to", denied.URL(key)},
		{"--to", "rtmp://" + refused + "/live/" + key},
		{"--to", "rtmps://" + refused + "/live/" + key},
	}
	for _, args := range runs {
		r := runOnair(t, 40*time.Second, append([]string{"publish", "--log-level", "debug", "--size", "640x360",
			"--video-bitrate", "800k", "--duration", "2s"}, args...)...)
		if strings.Contains(r.stderr, key) {
			t.Errorf("the stream key leaked with %v:\n%s", args, r.stderr)
		}
		if !strings.Contains(r.stderr, "level=DEBUG") && r.code == 0 {
			t.Errorf("no debug line logged with %v, so the check proves nothing:\n%s", args, r.stderr)
		}
	}
}

// TestInteropStopsOnSignal checks that SIGTERM and SIGINT stop a live
// publish cleanly within 1 s.
func TestInteropStopsOnSignal(t *testing.T) {
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{})
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, stderr := startOnair(t, "publish", "--size", "640x360", "--video-bitrate", "1000k", "--to", ng.URL("sig"))
			time.Sleep(3 * time.Second)
			start := time.Now()
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if took := time.Since(start); took > time.Second {
					t.Errorf("stopping took %s, want within 1 s", took)
				}
				if err != nil {
					t.Errorf("onair exited with %v after %s:\n%s", err, sig, stderr.String())
				}
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("onair did not stop within 10 s of %s:\n%s", sig, stderr.String())
			}
		})
	}
}
