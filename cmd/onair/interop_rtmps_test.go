//go:build interop

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropRTMPS is acceptance 4: RTMPS through an nginx stream TLS
// terminator, with the test's own CA.
func TestInteropRTMPS(t *testing.T) {
	ca := testpeer.MakeCA(t, "DNS:localhost")
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{TLSCert: ca.ServerCert, TLSKey: ca.ServerKey})
	good := fmt.Sprintf("rtmps://localhost:%d/live/secure", ng.TLSPort)

	t.Run("trusted CA", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out.flv")
		rec := testpeer.Record(t, ng.URL("secure"), out)
		time.Sleep(300 * time.Millisecond)
		r := runOnair(t, time.Minute, "publish", "--size", "640x360", "--video-bitrate", "1000k",
			"--to", good, "--ca-file", ca.CACert, "--duration", "4s")
		if r.code != 0 {
			t.Fatalf("publish over RTMPS exited %d:\n%s\nnginx: %s", r.code, r.stderr, ng.Log())
		}
		rec.Wait(20 * time.Second)
		p := testpeer.FFprobe(t, out)
		if v, ok := p.Stream("video"); !ok || v.CodecName != "h264" {
			t.Fatalf("ffprobe of the RTMPS stream: %+v", p)
		}
		if a, ok := p.Stream("audio"); !ok || a.CodecName != "aac" {
			t.Fatalf("ffprobe of the RTMPS stream has no aac: %+v", p)
		}
	})
	for _, c := range []struct {
		name, url string
		args      []string
		want      string
	}{
		{"no CA file", good, nil, "certificate"},
		{"wrong host name", fmt.Sprintf("rtmps://127.0.0.1:%d/live/secure", ng.TLSPort), []string{"--ca-file", ca.CACert}, "certificate"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"publish", "--size", "640x360", "--video-bitrate", "1000k", "--to", c.url, "--duration", "3s"}, c.args...)
			r := runOnair(t, 30*time.Second, args...)
			lines := r.errorLines()
			if r.code == 0 || len(lines) != 1 || !strings.Contains(lines[0], c.want) {
				t.Fatalf("exit %d, error lines %q; want a non-zero exit and one sentence naming the %s problem\n%s",
					r.code, lines, c.want, r.stderr)
			}
			if r.elapsed > 5*time.Second {
				t.Errorf("failing took %s, want under 5 s", r.elapsed)
			}
			t.Logf("%s: %s (%s)", c.name, lines[0], r.elapsed.Round(time.Millisecond))
		})
	}
}
