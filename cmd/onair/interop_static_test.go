//go:build interop

package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInteropNeedsNoFFmpeg: the binary carries FFmpeg and x264 inside it;
// its NEEDED entries name no libav*, libsw*, libpostproc or libx264, only
// what the computer provides (glibc, GL, X11, VA-API).
func TestInteropNeedsNoFFmpeg(t *testing.T) {
	f, err := elf.Open(onairBin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	needed, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s NEEDED: %v", filepath.Base(onairBin), needed)
	for _, lib := range needed {
		for _, prefix := range []string{"libav", "libsw", "libpostproc", "libx264"} {
			if strings.HasPrefix(lib, prefix) {
				t.Errorf("the binary needs the shared library %s: FFmpeg and x264 must be linked in (make ffmpeg)", lib)
			}
		}
	}
	for _, want := range []string{"libc.so.6", "libGL.so.1", "libva.so.2"} {
		found := false
		for _, lib := range needed {
			found = found || lib == want
		}
		if !found {
			t.Errorf("the binary does not need %s: NEEDED %v", want, needed)
		}
	}
}

// TestInteropNotices: every Go module linked into the binary (go version
// -m) has its section in THIRD_PARTY_NOTICES.md; `make notices` rewrites
// the file after a change of dependencies.
func TestInteropNotices(t *testing.T) { checkNotices(t, onairBin, "../../THIRD_PARTY_NOTICES.md") }

// checkNotices fails unless the notices file names every Go module of bin
// (`go version -m`) and the C libraries.
func checkNotices(t *testing.T, bin, path string) {
	t.Helper()
	notices, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[0] != "dep" {
			continue
		}
		n++
		if !bytes.Contains(notices, []byte("\n### "+f[1])) {
			t.Errorf("%s does not name %s %s: run make notices", path, f[1], f[2])
		}
	}
	if n == 0 {
		t.Fatalf("go version -m listed no modules:\n%s", out)
	}
	for _, want := range []string{"FFmpeg", "x264", "--enable-gpl", "nv-codec-headers"} {
		if !bytes.Contains(notices, []byte(want)) {
			t.Errorf("%s does not mention %s", path, want)
		}
	}
}
