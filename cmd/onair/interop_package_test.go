//go:build interop

package main

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/assets"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropPackage is acceptance 1 of the packaging issue: the tarball
// that `make package` made ($ONAIR_PACKAGE) installs with its own Makefile
// into a temporary PREFIX, its .desktop entry's Exec and Icon resolve to the
// installed files, and the installed binary opens a window that is not blank
// and carries our icon.
func TestInteropPackage(t *testing.T) {
	tarball := os.Getenv("ONAIR_PACKAGE")
	if tarball == "" {
		t.Fatal("ONAIR_PACKAGE is not set: run `make package` and set ONAIR_PACKAGE to the dist/onair-*.tar.xz it made (make test-interop does both)")
	}
	if _, err := os.Stat(tarball); err != nil {
		t.Fatalf("ONAIR_PACKAGE: %v (run `make package`)", err)
	}
	testpeer.Require(t, "tar")
	testpeer.Require(t, "make")
	tmp := t.TempDir()
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

	entries, _ := filepath.Glob(filepath.Join(prefix, "share", "applications", "*.desktop"))
	if len(entries) != 1 {
		t.Fatalf("want one installed .desktop entry, found %v", entries)
	}
	entry := pkgDesktopEntry(t, entries[0])
	if entry["Name"] != "OnAir Studio" || entry["Type"] != "Application" {
		t.Errorf("desktop entry Name=%q Type=%q, want OnAir Studio, Application", entry["Name"], entry["Type"])
	}
	execField := strings.Fields(entry["Exec"])
	if len(execField) == 0 {
		t.Fatalf("desktop entry has no Exec: %v", entry)
	}
	// A bare Exec name is looked up on PATH, which holds PREFIX/bin.
	bin := execField[0]
	if !filepath.IsAbs(bin) {
		bin = filepath.Join(prefix, "bin", bin)
	}
	if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("desktop Exec=%q does not resolve to an installed executable (%s): %v", entry["Exec"], bin, err)
	}
	icon := entry["Icon"]
	if !filepath.IsAbs(icon) {
		icon = filepath.Join(prefix, "share", "pixmaps", icon+".png")
	}
	got, err := os.ReadFile(icon)
	if err != nil {
		t.Fatalf("desktop Icon=%q does not resolve to an installed file: %v", entry["Icon"], err)
	}
	if !bytes.Equal(got, assets.ResourceIconPng.Content()) {
		t.Errorf("installed icon %s is not assets/icon.png", icon)
	}

	// The installed binary reports the version of FyneApp.toml.
	for _, arg := range []string{"--version", "version"} {
		out := pkgRun(t, 30*time.Second, "", bin, arg)
		if want := "onair " + assets.Version; strings.TrimSpace(out) != want {
			t.Errorf("%s %s printed %q, want %q", filepath.Base(bin), arg, strings.TrimSpace(out), want)
		}
	}

	x := startXvfb(t)
	profile := t.TempDir()
	// As a desktop starts it: PREFIX/bin on PATH, PREFIX/share in XDG_DATA_DIRS.
	g := launchGUI(t, x, guiLaunch{bin: bin, args: []string{"--profile", profile}, home: profile, timeout: 40 * time.Second,
		env: []string{"PATH=" + filepath.Join(prefix, "bin") + ":" + os.Getenv("PATH"), "XDG_DATA_DIRS=" + filepath.Join(prefix, "share")}})
	win := x.studioWindow(t)
	img := x.grab(t, win, filepath.Join(tmp, "window.png"))
	colours, lit, total := pkgPictureStats(img)
	t.Logf("installed window %v: %d distinct colours, %d of %d pixels not black", img.Bounds().Size(), colours, lit, total)
	if b := img.Bounds(); b.Dx() < 320 || b.Dy() < 240 {
		t.Errorf("the window is only %dx%d", b.Dx(), b.Dy())
	}
	if colours < 32 || lit < total/4 {
		t.Errorf("the window looks blank: %d distinct colours, %d of %d pixels not black", colours, lit, total)
	}
	testpeer.Require(t, "xprop")
	// -f prints the icon as its numbers rather than as "Icon (W x H)"; -len
	// lifts the default read limit (a 512x512 icon is 1 MiB).
	props := pkgRun(t, 30*time.Second, "", "xprop", "-display", x.display, "-len", "4200000",
		"-f", "_NET_WM_ICON", "32c", " = $0+\n", "-id", win, "_NET_WM_ICON")
	w, h, red := pkgIconStats(props)
	t.Logf("window icon %dx%d: %d red pixels", w, h, red)
	if w < 16 || h < 16 || red*20 < w*h {
		t.Errorf("the window's icon (_NET_WM_ICON %dx%d) is not ours: %d red pixels; %.120s", w, h, red, props)
	}
	if r, err := http.Get(g.hook + "/ready"); err != nil || r.StatusCode != http.StatusOK {
		t.Errorf("the installed app stopped being ready: %v", err)
	} else {
		r.Body.Close()
	}
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
