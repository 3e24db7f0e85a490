//go:build interop

package main

import (
	"net"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// logEntry is one slog text line of onair's stderr.
type logEntry struct {
	at         time.Time
	level, msg string
	dest       string // the destination attribute, if any
	raw        string
}

var (
	logTimeRE = regexp.MustCompile(`^time=(\S+) level=(\S+) msg=("(?:[^"\\]|\\.)*"|\S+)`)
	logDestRE = regexp.MustCompile(` destination=("(?:[^"\\]|\\.)*"|\S+)`)
	logInRE   = regexp.MustCompile(` in=(\S+)`)
)

// parseLog returns the log lines of stderr, in order.
func parseLog(stderr string) []logEntry {
	var out []logEntry
	for _, l := range strings.Split(stderr, "\n") {
		m := logTimeRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, m[1])
		if err != nil {
			continue
		}
		e := logEntry{at: at, level: m[2], msg: strings.Trim(m[3], `"`), raw: l}
		if d := logDestRE.FindStringSubmatch(l); d != nil {
			e.dest = strings.Trim(d[1], `"`)
		}
		out = append(out, e)
	}
	return out
}

// firstEvent returns the first line with msg about a destination whose name
// contains dest, logged after since (log times have millisecond precision).
func firstEvent(stderr, dest, msg string, since time.Time) (logEntry, bool) {
	since = since.Truncate(time.Millisecond)
	for _, e := range parseLog(stderr) {
		if e.msg == msg && strings.Contains(e.dest, dest) && !e.at.Before(since) {
			return e, true
		}
	}
	return logEntry{}, false
}

// waitEvent polls stderr for firstEvent within timeout.
func waitEvent(t *testing.T, stderr *testpeer.SyncBuffer, dest, msg string, since time.Time, timeout time.Duration) logEntry {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if e, ok := firstEvent(stderr.String(), dest, msg, since); ok {
			return e
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %q for %s within %s after %s:\n%s", msg, dest, timeout, since.Format(time.StampMilli), stderr)
	return logEntry{}
}

// lastBackoff is the wait of the last "reconnecting" line about dest before
// until: the backoff interval that was running then.
func lastBackoff(t *testing.T, stderr, dest string, until time.Time) time.Duration {
	t.Helper()
	var wait time.Duration
	for _, e := range parseLog(stderr) {
		if e.msg != "destination lost; reconnecting" || !strings.Contains(e.dest, dest) || e.at.After(until) {
			continue
		}
		m := logInRE.FindStringSubmatch(e.raw)
		if m == nil {
			t.Fatalf("no in= in %q", e.raw)
		}
		d, err := time.ParseDuration(m[1])
		if err != nil {
			t.Fatalf("in= of %q: %v", e.raw, err)
		}
		wait = d
	}
	if wait == 0 {
		t.Fatalf("no reconnecting line for %s before %s:\n%s", dest, until.Format(time.StampMilli), stderr)
	}
	return wait
}

// mediaGap returns the largest gap, in media time (seconds), between
// consecutive packets of one kind ("v" or "a") of a recording, where it is,
// and how many packets there are. Timestamps are sorted first, since
// B-frames arrive out of presentation order.
func mediaGap(t *testing.T, path, kind string) (gap, at float64, n int) {
	t.Helper()
	pts, _ := testpeer.PacketTimes(t, path, kind)
	sort.Float64s(pts)
	for i := 1; i < len(pts); i++ {
		if d := pts[i] - pts[i-1]; d > gap {
			gap, at = d, pts[i-1]
		}
	}
	return gap, at, len(pts)
}

// endedField is the number after name= in a log line, or -1.
func endedField(line, name string) int {
	m := regexp.MustCompile(regexp.QuoteMeta(name) + `=(\d+)`).FindStringSubmatch(line)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// checkNoGap fails when a recording is short or has a media gap over 100 ms.
func checkNoGap(t *testing.T, name, path string, minSeconds float64) {
	t.Helper()
	for _, kind := range []string{"v", "a"} {
		gap, at, n := mediaGap(t, path, kind)
		t.Logf("%s %s: %d packets, largest gap %.0f ms at %.3f s", name, kind, n, gap*1000, at)
		if min := int(minSeconds * 20); n < min {
			t.Errorf("%s: %d %s packets, want at least %d (%.0f s)", name, n, kind, min, minSeconds)
		}
		if gap > 0.100 {
			t.Errorf("%s: a %.0f ms gap in %s at %.3f s, want none over 100 ms", name, gap*1000, kind, at)
		}
	}
}

// checkRestartedRecording asserts that a recording made after a reconnect
// starts on a keyframe and decodes as H.264 + AAC.
func checkRestartedRecording(t *testing.T, name, path string) {
	t.Helper()
	p := testpeer.FFprobe(t, path)
	if v, ok := p.Stream("video"); !ok || v.CodecName != "h264" || v.Width != 640 || v.Height != 360 {
		t.Errorf("%s: video %+v, want h264 640x360", name, v)
	}
	if a, ok := p.Stream("audio"); !ok || a.CodecName != "aac" {
		t.Errorf("%s: audio %+v, want aac", name, a)
	}
	pts, key := testpeer.PacketTimes(t, path, "v")
	if len(key) < 30 || !key[0] {
		t.Errorf("%s: %d video packets, first a keyframe: %v; want a stream that starts on a keyframe", name, len(key), len(key) > 0 && key[0])
	} else {
		t.Logf("%s: %d video packets from %.3f s, first is a keyframe", name, len(pts), pts[0])
	}
	if errs := testpeer.FrameDecodeErrors(t, path); strings.TrimSpace(errs) != "" {
		t.Errorf("%s: decoding printed:\n%s", name, errs)
	}
}

// TestInteropMultistreamOneDies is acceptance 1 of the multistream issue:
// two nginx-rtmp and our own server; one nginx is killed mid-stream and the
// other two record no gap; it comes back 5 s later and is live again within
// the running backoff + 1 s; killed and restarted again, SIGUSR1 brings it
// back within 1 s. Each recording made after a reconnect starts on a
// keyframe with the sequence headers.
func TestInteropMultistreamOneDies(t *testing.T) {
	a := testpeer.StartNginx(t, testpeer.NginxOptions{})
	b := testpeer.StartNginx(t, testpeer.NginxOptions{})
	srv := startServe(t)
	dir := t.TempDir()
	recB := testpeer.Record(t, b.URL("multi"), filepath.Join(dir, "b.flv"))
	recS := testpeer.Record(t, srv.url("multi"), filepath.Join(dir, "serve.flv"))
	testpeer.Record(t, a.URL("multi"), filepath.Join(dir, "a1.flv"))
	time.Sleep(300 * time.Millisecond) // let the players wait for the name first
	const dur = 34 * time.Second
	start := time.Now()
	cmd, stderr := startOnair(t, "publish", "--size", "640x360", "--video-bitrate", "1000k",
		"--to", a.URL("multi"), "--to", b.URL("multi"), "--to", srv.url("multi"), "--duration", dur.String())
	aName := a.Addr() + "/" // the destination is named by its redacted URL
	for _, d := range []string{aName, b.Addr() + "/", srv.addr + "/"} {
		waitEvent(t, stderr, d, "live", start, 20*time.Second)
	}
	time.Sleep(4 * time.Second)

	// Kill A; restart it 5 s later.
	killed := time.Now()
	a.Kill()
	waitEvent(t, stderr, aName, "destination lost; reconnecting", killed, 10*time.Second)
	time.Sleep(5*time.Second - time.Since(killed))
	a.Restart()
	restarted := time.Now()
	testpeer.Record(t, a.URL("multi"), filepath.Join(dir, "a2.flv"))
	backoff := lastBackoff(t, stderr.String(), aName, restarted)
	back := waitEvent(t, stderr, aName, "live", restarted, backoff+10*time.Second)
	t.Logf("A live again %s after its restart (backoff then %s)", back.at.Sub(restarted).Round(time.Millisecond), backoff)
	if took := back.at.Sub(restarted); took > backoff+time.Second {
		t.Errorf("A live again %s after its restart; want within the backoff %s + 1 s", took, backoff)
	}
	time.Sleep(3 * time.Second)

	// Kill A again; after its restart, SIGUSR1 brings it back at once.
	killed = time.Now()
	a.Kill()
	waitEvent(t, stderr, aName, "destination lost; reconnecting", killed, 10*time.Second)
	time.Sleep(5*time.Second - time.Since(killed))
	// Restart A just after a retry failed, so that the next one is a whole
	// backoff away and what brings A back is the signal, not the timer.
	failed := waitEvent(t, stderr, aName, "destination lost; reconnecting", time.Now(), 40*time.Second)
	a.Restart()
	testpeer.Record(t, a.URL("multi"), filepath.Join(dir, "a3.flv"))
	time.Sleep(200 * time.Millisecond) // let the recorder wait for the name
	backoff = lastBackoff(t, stderr.String(), aName, time.Now())
	due := failed.at.Add(backoff)
	signalled := time.Now()
	if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	back = waitEvent(t, stderr, aName, "live", signalled, 5*time.Second)
	took := back.at.Sub(signalled)
	t.Logf("A live %s after SIGUSR1; its backoff (%s) would have retried %s after the signal",
		took.Round(time.Millisecond), backoff, due.Sub(signalled).Round(time.Millisecond))
	if took > time.Second {
		t.Errorf("A live %s after SIGUSR1, want within 1 s", took)
	}
	if due.Sub(signalled) < 1200*time.Millisecond {
		t.Errorf("the backoff would have retried %s after the signal anyway, so the signal is not what was measured", due.Sub(signalled))
	}
	if _, ok := firstEvent(stderr.String(), "", "reconnect now (SIGUSR1)", signalled); !ok {
		t.Errorf("no \"reconnect now\" line after SIGUSR1:\n%s", stderr)
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("onair publish ended with %v; want 0, every destination live at the end:\n%s", err, stderr)
		}
	case <-time.After(dur + 30*time.Second - time.Since(start)):
		t.Fatalf("onair publish did not end after --duration:\n%s", stderr)
	}
	ended, _ := firstEvent(stderr.String(), "", "broadcast ended", start)
	t.Logf("%s", ended.raw)
	if n := endedField(ended.raw, "dest1.reconnects"); !strings.Contains(ended.raw, "dest1.state=live") || n < 2 {
		t.Errorf("the last line does not show A live after reconnecting (%d attempts): %q", n, ended.raw)
	}
	for _, f := range []string{"dest2.reconnects", "dest3.reconnects", "dest2.dropped", "dest3.dropped"} {
		if n := endedField(ended.raw, f); n != 0 {
			t.Errorf("%s=%d in the last line, want 0: %q", f, n, ended.raw)
		}
	}
	recB.Wait(20 * time.Second)
	recS.Wait(20 * time.Second)
	checkNoGap(t, "nginx B", recB.Path, dur.Seconds()-3)
	checkNoGap(t, "onair serve", recS.Path, dur.Seconds()-3)
	checkRestartedRecording(t, "A after its restart", filepath.Join(dir, "a2.flv"))
	checkRestartedRecording(t, "A after SIGUSR1", filepath.Join(dir, "a3.flv"))
	if t.Failed() {
		t.Logf("onair:\n%s", stderr)
	}
}

// freezeProxy forwards TCP to a server until freeze, after which it reads
// nothing more in either direction: a destination that went dark mid-stream.
type freezeProxy struct {
	l      net.Listener
	target string

	mu       sync.Mutex
	conns    []net.Conn
	chFrozen chan struct{}
	chClosed chan struct{}
	wg       sync.WaitGroup
}

func startFreezeProxy(t *testing.T, target string) *freezeProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezeProxy{l: l, target: target, chFrozen: make(chan struct{}), chClosed: make(chan struct{})}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *freezeProxy) addr() string { return p.l.Addr().String() }

func (p *freezeProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.DialTimeout("tcp", p.target, 2*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(s, c)
		go p.pipe(c, s)
	}
}

// pipe copies src to dst until freeze, then parks until close.
func (p *freezeProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		select {
		case <-p.chFrozen:
			<-p.chClosed
			return
		default:
		}
		n, err := src.Read(buf)
		if n > 0 {
			select {
			case <-p.chFrozen:
				continue // dropped: the proxy is dark now
			default:
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *freezeProxy) freeze() { close(p.chFrozen) }

func (p *freezeProxy) close() {
	select {
	case <-p.chClosed:
		return
	default:
	}
	close(p.chClosed)
	p.l.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
