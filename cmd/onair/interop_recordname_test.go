//go:build interop

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropRecordExistingFile: publish --record onto a file that exists
// records to NAME-2.mp4 instead of failing with
// "encode: creating the recording: open …: file exists", says so, and its
// last line names the file (absolute path). No package prefix shows.
func TestInteropRecordExistingFile(t *testing.T) {
	srv := startServe(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "show.mp4")
	if err := os.WriteFile(existing, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runOnair(t, 60*time.Second, "publish", "--size", "320x240", "--video-bitrate", "300k",
		"--to", "rtmp://"+srv.addr+"/live/record-name-test", "--record", existing, "--duration", "3s")
	if r.code != 0 {
		t.Fatalf("publish exit %d:\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("the existing file was changed")
	}
	second := filepath.Join(dir, "show-2.mp4")
	if p := testpeer.FFprobe(t, second); p.Duration() < 2.5 || p.Duration() > 3.5 {
		t.Errorf("show-2.mp4: %.2f s; want the 3 s published", p.Duration())
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "recording="+second) {
		t.Errorf("the last line does not name the recording %s:\n%s", second, last)
	}
	if !strings.Contains(r.stderr, "the file exists already") {
		t.Errorf("publish did not say that show.mp4 existed:\n%s", r.stderr)
	}
	for _, prefix := range []string{"encode: ", "rtmp: ", "capture: "} {
		if strings.Contains(r.stderr, prefix) {
			t.Errorf("a package prefix %q shows:\n%s", prefix, r.stderr)
		}
	}
	t.Logf("last line: %s", last)
}
