//go:build interop

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/assets"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// debRoot is a throwaway copy of a cached minimal Debian root (made by
// scripts/debroot.sh, with no FFmpeg), with /proc mounted, for one test. A
// chroot shares the host's network, so programs inside it reach servers on
// the host's 127.0.0.1 and the host's X server (its abstract socket).
type debRoot struct {
	dir string
}

// newDebRoot copies the root named by the environment variable env.
func newDebRoot(t *testing.T, env string) *debRoot {
	t.Helper()
	src := os.Getenv(env)
	if src == "" {
		t.Fatalf("%s is not set: make test-interop debootstraps the minimal Debian roots (scripts/debroot.sh build SUITE) and sets it", env)
	}
	if _, err := os.Stat(filepath.Join(src, ".complete")); err != nil {
		t.Fatalf("%s=%s is not a complete root (scripts/debroot.sh build makes one): %v", env, src, err)
	}
	if os.Geteuid() != 0 {
		t.Fatal("the Debian-root tests need root (chroot, mount): run make test as root, as CI does")
	}
	r := &debRoot{dir: filepath.Join(t.TempDir(), "root")}
	pkgRun(t, 2*time.Minute, "", "cp", "-a", src, r.dir)
	resolv, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		t.Fatal(err)
	}
	r.write(t, "/etc/resolv.conf", resolv, 0o644)
	pkgRun(t, 10*time.Second, "", "mount", "-t", "proc", "proc", filepath.Join(r.dir, "proc"))
	t.Cleanup(func() { _ = exec.Command("umount", "-l", filepath.Join(r.dir, "proc")).Run() })
	return r
}

// path is where the root's file name is on the host.
func (r *debRoot) path(name string) string { return filepath.Join(r.dir, name) }

// write puts a file into the root.
func (r *debRoot) write(t *testing.T, name string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(r.path(name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.path(name), data, mode); err != nil {
		t.Fatal(err)
	}
}

// command is name args… inside the root, with a plain environment.
func (r *debRoot) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "chroot", append([]string{r.dir, name}, args...)...)
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
		"LANG=C.UTF-8", "DEBIAN_FRONTEND=noninteractive"}
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// run runs name args… inside the root with a hard timeout.
func (r *debRoot) run(t *testing.T, timeout time.Duration, name string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := r.command(ctx, name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s in the root did not finish within %v:\n%s%s", name, strings.Join(args, " "), timeout, out.String(), errOut.String())
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s in the root: %v", name, err)
	}
	return code, out.String(), errOut.String()
}

// must runs name args… inside the root and fails the test unless it exits 0.
func (r *debRoot) must(t *testing.T, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	code, out, errOut := r.run(t, timeout, name, args...)
	if code != 0 {
		t.Fatalf("%s %s in the root exited %d:\n%s%s", name, strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// runOnair is the runner of the root's installed onair.
func (r *debRoot) runOnair(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	start := time.Now()
	code, _, stderr := r.run(t, timeout, "onair", args...)
	return result{code: code, stderr: stderr, elapsed: time.Since(start)}
}

// ffmpegPackages lists the root's installed packages that are FFmpeg or
// x264 libraries.
func (r *debRoot) ffmpegPackages(t *testing.T) []string {
	t.Helper()
	var found []string
	for _, p := range strings.Fields(r.must(t, time.Minute, "dpkg-query", "-W", "-f", "${Package}\n")) {
		for _, prefix := range []string{"ffmpeg", "libav", "libsw", "libpostproc", "libx264"} {
			if strings.HasPrefix(p, prefix) {
				found = append(found, p)
			}
		}
	}
	return found
}

// TestInteropDebianRoots is the "proof on clean systems" of the static
// FFmpeg issue: in minimal Debian 13 and Debian 12 roots with no FFmpeg, the
// .deb ($ONAIR_DEB) installs with apt, publishes the test sources to
// nginx-rtmp on the host, serves a push from the host's ffmpeg, and (Debian
// 13) opens the window from its menu entry with a moving preview; a missing
// GL or VA-API library gives the launcher's sentence; apt remove leaves
// nothing behind.
func TestInteropDebianRoots(t *testing.T) {
	deb := os.Getenv("ONAIR_DEB")
	if deb == "" {
		t.Fatal("ONAIR_DEB is not set: run `make deb` and set it to the dist/onair_*.deb it made (make test-interop does both)")
	}
	for _, c := range []struct {
		name, env string
		window    bool
	}{
		{"debian13", "ONAIR_ROOT_TRIXIE", true},
		{"debian12", "ONAIR_ROOT_BOOKWORM", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newDebRoot(t, c.env)
			if pkgs := r.ffmpegPackages(t); len(pkgs) > 0 {
				t.Fatalf("the root is not FFmpeg-free: %v", pkgs)
			}
			data, err := os.ReadFile(deb)
			if err != nil {
				t.Fatal(err)
			}
			r.write(t, "/tmp/onair.deb", data, 0o644)
			r.must(t, 3*time.Minute, "apt-get", "update", "-qq")
			if floor, have := debLibcFloor(t, deb), r.libcVersion(t); dpkgVersionLess(have, floor) {
				// A .deb built on a newer Debian (13) needs a newer glibc
				// (2.38): on this root apt must refuse it cleanly. CI builds on
				// Debian 12, whose .deb installs on both.
				t.Logf("the .deb needs glibc %s and this root has %s: it was built on a newer Debian than this root", floor, have)
				code, out, errOut := r.run(t, 5*time.Minute, "apt-get", "install", "-y", "/tmp/onair.deb") // without -qq apt names the dependency
				if code == 0 || !strings.Contains(out+errOut, "libc6 (>= "+floor+")") {
					t.Errorf("apt did not refuse the .deb that needs glibc %s on glibc %s by naming libc6 (exit %d):\n%s%s", floor, have, code, out, errOut)
				}
				if code, _, _ := r.run(t, time.Minute, "dpkg", "-s", "onair"); code == 0 {
					t.Error("onair is installed after apt refused it")
				}
				return
			}
			r.must(t, 5*time.Minute, "apt-get", "install", "-y", "-qq", "/tmp/onair.deb")
			if pkgs := r.ffmpegPackages(t); len(pkgs) > 0 {
				t.Errorf("installing the .deb brought FFmpeg or x264 packages: %v", pkgs)
			}
			files := strings.Fields(r.must(t, time.Minute, "dpkg", "-L", "onair"))

			out := r.must(t, 30*time.Second, "onair", "--version")
			if first, _, _ := strings.Cut(out, "\n"); first != "onair "+assets.Version || !strings.Contains(out, "FFmpeg 7.1.5 with x264 and x265") {
				t.Errorf("onair --version in the root printed %q", out)
			}

			t.Run("publish", func(t *testing.T) {
				c := publishCase{1280, 720, 30, "4500k"}
				rec := publishAndRecordBy(t, r.runOnair, c, 5*time.Second)
				checkRecording(t, rec, c, 5*time.Second)
			})
			t.Run("serve", func(t *testing.T) { debRootServe(t, r) })
			if c.window {
				t.Run("window", func(t *testing.T) { debRootWindow(t, r) })
			}
			t.Run("missing libraries", func(t *testing.T) {
				for lib, pkg := range map[string]string{"libGL.so.1": "libgl1", "libva.so.2": "libva2"} {
					debRootMissing(t, r, lib, pkg)
				}
			})

			r.must(t, 2*time.Minute, "apt-get", "remove", "-y", "-qq", "onair")
			for _, f := range files {
				if fi, err := os.Lstat(r.path(f)); err == nil && !fi.IsDir() {
					t.Errorf("apt remove left %s", f)
				}
			}
			for _, d := range []string{"/usr/lib/onair", "/usr/share/doc/onair"} {
				if _, err := os.Stat(r.path(d)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("apt remove left the folder %s (%v)", d, err)
				}
			}
		})
	}
}

// debRootServe runs `onair serve` in the root, pushes into it with the
// host's ffmpeg and plays it back with the host's ffprobe.
func debRootServe(t *testing.T, r *debRoot) {
	addr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePortPair(t))
	checkServe(t, r.command(context.Background(), "onair", "serve", "--listen", addr), addr)
}

// debRootWindow starts the window as the root's menu entry says, on a
// host Xvfb, and checks that its preview moves.
func debRootWindow(t *testing.T, r *debRoot) {
	const id = "io.github.seed7c1a73c4.onair"
	desktop := r.path("/usr/share/applications/" + id + ".desktop")
	if path, err := exec.LookPath("desktop-file-validate"); err == nil {
		if out, err := exec.Command(path, desktop).CombinedOutput(); err != nil {
			t.Errorf("desktop-file-validate: %v\n%s", err, out)
		}
	} else {
		t.Error("desktop-file-validate is missing: apt install desktop-file-utils (make deps-test does)")
	}
	entry := pkgDesktopEntry(t, desktop)
	exe := strings.Fields(entry["Exec"])
	if len(exe) == 0 {
		t.Fatalf("the menu entry has no Exec: %v", entry)
	}
	icon := r.path("/usr/share/icons/hicolor/512x512/apps/" + entry["Icon"] + ".png")
	if _, err := os.Stat(icon); err != nil {
		t.Errorf("the menu entry's Icon=%s is not in the hicolor theme: %v", entry["Icon"], err)
	}
	const home = "/tmp/profile"
	if err := os.MkdirAll(r.path(home), 0o755); err != nil {
		t.Fatal(err)
	}
	x := startXvfb(t)
	// The menu's Exec, found on the root's PATH as a desktop would.
	args := append([]string{r.dir, "/usr/bin/env", "PATH=/usr/bin:/bin"}, exe...)
	g := launchGUI(t, x, guiLaunch{bin: "chroot", args: append(args, "--profile", home), home: home, timeout: 60 * time.Second})
	var geo struct {
		Picture rect `json:"picture"`
	}
	g.waitGeometry(t, "preview", 10*time.Second)
	g.getJSON(t, "/geometry?name=preview", &geo)
	dir := t.TempDir()
	a := x.screenshot(t, filepath.Join(dir, "a.png"))
	time.Sleep(time.Second)
	b := x.screenshot(t, filepath.Join(dir, "b.png"))
	changed, total := changedPixels(a, b, geo.Picture.image())
	t.Logf("Debian 13 window: preview %+v, %d of %d pixels changed in 1 s", geo.Picture, changed, total)
	if !previewMoved(changed, total) {
		t.Errorf("the preview in Debian 13 did not move: %d of %d pixels changed in 1 s", changed, total)
	}
	saveScreenshot(t, x, "debian13.png")
}

// debRootMissing hides one of the root's shared libraries and checks that
// the installed onair says what to install instead of crashing.
func debRootMissing(t *testing.T, r *debRoot, lib, pkg string) {
	t.Helper()
	matches, _ := filepath.Glob(r.path("/usr/lib/*-linux-gnu/" + lib))
	if len(matches) != 1 {
		t.Fatalf("%s in the root: %v; want one", lib, matches)
	}
	if err := os.Rename(matches[0], matches[0]+".away"); err != nil {
		t.Fatal(err)
	}
	defer os.Rename(matches[0]+".away", matches[0])
	code, stdout, stderr := r.run(t, 30*time.Second, "onair", "--version")
	t.Logf("without %s: exit %d: %s", lib, code, stderr)
	if code != 1 || stdout != "" {
		t.Errorf("without %s: exit %d, stdout %q; want 1 and nothing", lib, code, stdout)
	}
	pkgCheckSentence(t, stderr, lib+" is missing", "`sudo apt install "+pkg+"`")
}

// debLibcFloor is the glibc version the .deb's Depends asks for ("2.35"
// from "libc6 (>= 2.35)").
func debLibcFloor(t *testing.T, deb string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "-f", deb, "Depends").Output()
	if err != nil {
		t.Fatalf("dpkg-deb -f %s Depends: %v", deb, err)
	}
	_, rest, ok := strings.Cut(string(out), "libc6 (>= ")
	floor, _, ok2 := strings.Cut(rest, ")")
	if !ok || !ok2 {
		t.Fatalf("the .deb's Depends names no libc6 version: %s", out)
	}
	return floor
}

// libcVersion is the root's glibc package version.
func (r *debRoot) libcVersion(t *testing.T) string {
	t.Helper()
	return strings.TrimSpace(r.must(t, time.Minute, "dpkg-query", "-W", "-f", "${Version}", "libc6"))
}

// dpkgVersionLess compares two Debian versions as dpkg does.
func dpkgVersionLess(a, b string) bool {
	return exec.Command("dpkg", "--compare-versions", a, "lt", b).Run() == nil
}
