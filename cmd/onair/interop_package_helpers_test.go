//go:build interop

package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// pkgHasLib reports whether a file named soname is in one of the usual
// library folders.
func pkgHasLib(soname string) bool {
	for _, pattern := range []string{"/usr/lib/*-linux-gnu/", "/lib/*-linux-gnu/", "/usr/lib64/", "/usr/lib/", "/usr/local/lib/"} {
		if m, _ := filepath.Glob(pattern + soname); len(m) > 0 {
			return true
		}
	}
	return false
}

// pkgNoDesktop is the environment without DISPLAY and WAYLAND_DISPLAY, so
// the launcher shows no dialog.
func pkgNoDesktop() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	return env
}

// pkgLaunch runs bin with no desktop and a 30 s limit, and returns its exit
// code, output and run time.
func pkgLaunch(t *testing.T, bin string, args ...string) (code int, stdout, stderr string, took time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = pkgNoDesktop()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	took = time.Since(start)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", bin, err)
	}
	return code, out.String(), errOut.String(), took
}

// pkgCheckSentence checks that stderr is exactly one line, that it is the
// launcher's explanation and not the loader's crash, and that it says each
// of wants.
func pkgCheckSentence(t *testing.T, stderr string, wants ...string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, ".\n") || !strings.HasPrefix(stderr, "OnAir Studio") {
		t.Errorf("stderr is not one sentence on one line: %q", stderr)
	}
	if strings.Contains(stderr, "error while loading shared libraries") {
		t.Errorf("the loader crashed instead: %q", stderr)
	}
	for _, w := range wants {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr does not say %q: %q", w, stderr)
		}
	}
}

// pkgInstall unpacks tarball under tmp and installs it with its own
// Makefile into tmp/prefix, which it returns.
func pkgInstall(t *testing.T, tarball, tmp string) (prefix string) {
	t.Helper()
	testpeer.Require(t, "tar")
	testpeer.Require(t, "make")
	unpacked, prefix := filepath.Join(tmp, "unpacked"), filepath.Join(tmp, "prefix")
	if err := os.MkdirAll(unpacked, 0o755); err != nil {
		t.Fatal(err)
	}
	pkgRun(t, 60*time.Second, "", "tar", "-xJf", tarball, "-C", unpacked)
	makefiles, _ := filepath.Glob(filepath.Join(unpacked, "*", "Makefile"))
	if len(makefiles) != 1 {
		t.Fatalf("want one <app>/Makefile in the tarball, found %v", makefiles)
	}
	// PREFIX on the command line beats the Makefile's /usr/local default,
	// also as root; DESTDIR empty keeps it from being prepended.
	pkgRun(t, 60*time.Second, filepath.Dir(makefiles[0]), "make", "install", "PREFIX="+prefix, "DESTDIR=")
	return prefix
}

// pkgELF returns the program interpreter ("" for a static binary) and the
// NEEDED libraries of the ELF file at path.
func pkgELF(t *testing.T, path string) (interp string, needed []string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, err := io.ReadAll(p.Open())
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			interp = strings.TrimRight(string(b), "\x00")
		}
	}
	needed, _ = f.ImportedLibraries()
	return interp, needed
}

// pkgRun runs a helper command with a hard timeout and returns its stdout;
// any failure fails the test with the command's output.
func pkgRun(t *testing.T, timeout time.Duration, dir, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// pkgDesktopEntry returns the keys of the [Desktop Entry] group.
func pkgDesktopEntry(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entry := map[string]string{}
	group := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "["):
			group = line
		case group == "[Desktop Entry]" && strings.Contains(line, "="):
			k, v, _ := strings.Cut(line, "=")
			entry[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %v", filepath.Base(path), entry)
	return entry
}

// pkgPictureStats counts the distinct colours (in 4 bits a channel) of img,
// and how many of its pixels are not black.
func pkgPictureStats(img image.Image) (colours, lit, total int) {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>12)<<8|(g>>12)<<4|bl>>12] = true
			if r+g+bl > 3*0x1000 {
				lit++
			}
			total++
		}
	}
	return len(seen), lit, total
}

// pkgIconStats parses xprop's "_NET_WM_ICON(CARDINAL) = W, H, ARGB…" and
// counts the strongly red pixels of the first icon: our on-air light is red,
// Fyne's default icon has none.
func pkgIconStats(props string) (w, h, red int) {
	_, list, ok := strings.Cut(props, "=")
	if !ok {
		return 0, 0, 0
	}
	var vals []uint64
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(f), 10, 32)
		if err != nil {
			return 0, 0, 0
		}
		vals = append(vals, v)
	}
	if len(vals) < 2 {
		return 0, 0, 0
	}
	w, h = int(vals[0]), int(vals[1])
	if w <= 0 || h <= 0 || len(vals) < 2+w*h {
		return w, h, 0
	}
	for _, argb := range vals[2 : 2+w*h] {
		a, r, g, b := argb>>24, argb>>16&0xff, argb>>8&0xff, argb&0xff
		if a > 0xc0 && r > 0xc0 && g < 0x70 && b < 0x70 {
			red++
		}
	}
	return w, h, red
}
