//go:build interop

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// webServe is `onair serve` with its web side on a free loopback port.
type webServe struct {
	*servedServer
	http string // http://127.0.0.1:PORT
}

func startWebServe(t *testing.T, args ...string) *webServe {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))
	s := startServe(t, append([]string{"--http", addr}, args...)...)
	if err := testpeer.WaitListening(addr, 10*time.Second, nil); err != nil {
		t.Fatalf("the web side of onair serve: %v\n%s", err, s.stderr)
	}
	return &webServe{servedServer: s, http: "http://" + addr}
}

// httpGet fetches url and returns the status and body (at most 1 MiB).
func httpGet(t testing.TB, url string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

// readWithFFmpeg checks a playback URL the way the issue asks: ffprobe
// finds h264 and aac, and `ffmpeg -v error -i URL -t 10 -f null -` prints
// nothing and reads 10 ± 0.5 s.
func readWithFFmpeg(t *testing.T, url string) {
	t.Helper()
	p := testpeer.FFprobe(t, url)
	if !p.HasCodecs("h264", "aac") {
		t.Errorf("ffprobe %s: %+v; want h264 and aac", url, p.Streams)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", url,
		"-t", "10", "-f", "null", "-", "-progress", "pipe:1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(stderr.String()) != "" {
		t.Errorf("ffmpeg -v error -i %s -t 10 -f null -: %v\n%s", url, err, stderr.String())
	}
	got := lastOutTime(string(out))
	if d := got.Seconds() - 10; d < -0.5 || d > 0.5 {
		t.Errorf("ffmpeg read %s of %s; want 10 ± 0.5 s", got, url)
	}
	t.Logf("%s: %s, ffmpeg read %.3f s with no error", url, codecsOf(p), got.Seconds())
}

func codecsOf(p testpeer.Probe) string {
	var c []string
	for _, s := range p.Streams {
		c = append(c, s.CodecName)
	}
	return strings.Join(c, "+")
}

// lastOutTime is the last out_time_us of ffmpeg's -progress output.
func lastOutTime(progress string) time.Duration {
	var us int64
	sc := bufio.NewScanner(strings.NewReader(progress))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "out_time_us="); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				us = n
			}
		}
	}
	return time.Duration(us) * time.Microsecond
}

// playInPage plays name through via in the monitor page and checks that
// the video's currentTime advances by 5 s with no error.
func playInPage(t *testing.T, b *testpeer.Browser, name, via, engine string) {
	t.Helper()
	if err := b.Eval(fmt.Sprintf("monitor.play(%q, %q)", name, via), nil); err != nil {
		t.Fatal(err)
	}
	playing := "(() => { const v = document.getElementById('video'); return v.readyState >= 3 && !v.paused && v.currentTime > 0; })()"
	if err := b.WaitFor(playing, 30*time.Second); err != nil {
		t.Fatalf("%s through %s: %v; page state %s; page errors %v", name, via, err, pageState(b), b.Errors())
	}
	var t0 float64
	if err := b.Eval("document.getElementById('video').currentTime", &t0); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitFor(fmt.Sprintf("document.getElementById('video').currentTime >= %f", t0+5), 30*time.Second); err != nil {
		t.Errorf("%s through %s: currentTime did not advance 5 s from %.2f: %v; page state %s", name, via, t0, err, pageState(b))
	}
	var st struct {
		Engine string   `json:"engine"`
		Errors []string `json:"errors"`
		Time   float64  `json:"currentTime"`
	}
	if err := b.Eval("monitor.state()", &st); err != nil {
		t.Fatal(err)
	}
	if st.Engine != engine || len(st.Errors) > 0 || len(b.Errors()) > 0 {
		t.Errorf("%s through %s: engine %q (want %q), page errors %v, console %v", name, via, st.Engine, engine, st.Errors, b.Errors())
	}
	t.Logf("%s through %s: currentTime %.2f → %.2f, no error", name, engine, t0, st.Time)
}

func pageState(b *testpeer.Browser) string {
	var s string
	_ = b.Eval("JSON.stringify(monitor.state())", &s)
	return s
}

// saveBrowserShot writes the page into $ONAIR_SCREENSHOTS/name, when set.
func saveBrowserShot(t *testing.T, b *testpeer.Browser, name string) {
	t.Helper()
	dir := os.Getenv("ONAIR_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := b.Screenshot(filepath.Join(dir, name)); err != nil {
		t.Errorf("screenshot: %v", err)
	}
}
