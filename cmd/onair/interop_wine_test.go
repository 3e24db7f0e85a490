//go:build interop && wine

package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// The Windows tests (make test-windows) run the exes of the zip that make
// windows made ($ONAIR_WINDOWS_ZIP) under Wine, against the same host peers
// as the Linux tests. They are built with the tags interop and wine.

// Where the zip's files are, under its top folder.
const (
	winGUIExe = "OnAir Studio.exe" // GUI subsystem: the Start menu's
	winCLIExe = "onair.exe"        // console subsystem: the CLI's
)

// winePrefixStart bounds `wineboot -i`, which takes about 10 s here.
const winePrefixStart = 2 * time.Minute

// wine is the run's Wine prefix, made once by the first test that needs it,
// and the unpacked zip.
var wine struct {
	once sync.Once
	err  error
	dir  string   // the prefix
	home string   // HOME for Wine: its user folders link into it
	env  []string // WINEPREFIX, DISPLAY and the quieting variables
	app  string   // the unpacked zip's top folder
	x    *xvfb    // the prefix's display, the desktop every Wine program is on
}

// wineSetup unpacks the zip and makes the Wine prefix in a temporary folder
// (once per run; removed, and its wineserver stopped, after the last test).
func wineSetup(t testing.TB) {
	t.Helper()
	testpeer.Require(t, "wine")
	testpeer.Require(t, "Xvfb")
	zipPath := os.Getenv("ONAIR_WINDOWS_ZIP")
	if zipPath == "" {
		t.Fatal("ONAIR_WINDOWS_ZIP is not set: run `make windows` and set it to the dist/onair-*-windows-amd64.zip it made (make test-windows does both)")
	}
	wine.once.Do(func() { wine.err = newWinePrefix(zipPath) })
	if wine.err != nil {
		t.Fatal(wine.err)
	}
}

func newWinePrefix(zipPath string) error {
	dir, err := os.MkdirTemp("", "onair-wine")
	if err != nil {
		return err
	}
	afterAll = append(afterAll, func() { os.RemoveAll(dir) })
	wine.dir, wine.home = filepath.Join(dir, "prefix"), filepath.Join(dir, "home")
	for _, d := range []string{wine.dir, wine.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if wine.app, err = unzipApp(zipPath, filepath.Join(dir, "app")); err != nil {
		return err
	}
	// Windows always has a desktop, and Wine's (explorer.exe /desktop) takes
	// the display of the program that starts it: started by a console test
	// without one, it stays on the null driver until it exits, and a window
	// program starting then fails ("Win32: Failed to create helper window").
	// So every Wine program of the run is on one display, started here.
	x, stopX, err := launchXvfb()
	if err != nil {
		return err
	}
	wine.x = x
	afterAll = append(afterAll, stopX)
	wine.env = append(os.Environ(), "DISPLAY="+x.display, "WINEPREFIX="+wine.dir, "WINEARCH=win64", "HOME="+wine.home,
		"WINEDEBUG=-all", // Wine's own tracing
		// No Mono or Gecko download prompts, no menu entries in HOME.
		"WINEDLLOVERRIDES=mscoree,mshtml=;winemenubuilder.exe=d")
	start := time.Now()
	if err := startWineserver(filepath.Join(dir, "wineserver.log")); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), winePrefixStart)
	defer cancel()
	boot := exec.CommandContext(ctx, "wineboot", "-i")
	boot.Env = wine.env
	// Wine's helper processes (services.exe…) outlive wineboot and inherit
	// its output: a file, not a pipe, so that nothing waits for them.
	logPath := filepath.Join(dir, "wineboot.log")
	if boot.Stdout, err = os.Create(logPath); err != nil {
		return err
	}
	boot.Stderr = boot.Stdout
	err = boot.Run()
	boot.Stdout.(*os.File).Close()
	out, _ := os.ReadFile(logPath)
	if ctx.Err() != nil {
		return fmt.Errorf("wineboot -i did not make the prefix within %v:\n%s", winePrefixStart, out)
	}
	if err != nil {
		return fmt.Errorf("wineboot -i: %w\n%s", err, out)
	}
	fmt.Fprintf(os.Stderr, "wine: prefix %s made in %.1f s\n", wine.dir, time.Since(start).Seconds())
	return addProcessPrng()
}

// startWineserver starts the prefix's wineserver as a persistent child of
// the test, so that every wine command of the run talks to it (none starts
// its own with the command's output), and stops it after the last test.
func startWineserver(logPath string) error {
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	server := exec.Command("wineserver", "--foreground", "--persistent")
	server.Env, server.Stdout, server.Stderr = wine.env, log, log
	if err := server.Start(); err != nil {
		log.Close()
		return fmt.Errorf("starting wineserver: %w", err)
	}
	log.Close()
	done := make(chan error, 1)
	go func() { done <- server.Wait() }()
	afterAll = append(afterAll, func() {
		k := exec.Command("wineserver", "--kill")
		k.Env = wine.env
		_ = k.Run()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = server.Process.Kill()
			<-done
		}
		// Debian's Wine leaves its server folder behind.
		if name, err := os.ReadFile(filepath.Join(wine.dir, "wineserver")); err == nil {
			if base := filepath.Base(strings.TrimSpace(string(name))); strings.HasPrefix(base, "wine-") {
				os.RemoveAll(filepath.Join("/tmp", base))
			}
		}
	})
	for range 200 { // 10 s
		if wineserverListens() {
			return nil
		}
		select {
		case err := <-done:
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("wineserver exited at start (%v):\n%s", err, out)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("wineserver made no socket within 10 s")
}

// wineserverListens reports whether the prefix's wineserver has made its
// socket, where Wine's clients look for it: /tmp/.wine-UID/server-DEV-INODE
// upstream, and in Debian a random /tmp/wine-XXXXXX named in the prefix's
// file "wineserver" (removed after the run).
func wineserverListens() bool {
	var st syscall.Stat_t
	if err := syscall.Stat(wine.dir, &st); err != nil {
		return false
	}
	server := fmt.Sprintf("server-%x-%x", st.Dev, st.Ino)
	dirs := []string{fmt.Sprintf("/tmp/.wine-%d", os.Getuid())}
	if name, err := os.ReadFile(filepath.Join(wine.dir, "wineserver")); err == nil {
		dirs = append(dirs, filepath.Join("/tmp", filepath.Base(strings.TrimSpace(string(name)))))
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, server, "socket")); err == nil {
			return true
		}
	}
	return false
}

// addProcessPrng builds testdata/wine/bcryptprimitives.c into the prefix's
// system32: Go's runtime needs ProcessPrng, which Windows 10 and 11 have
// and Wine 8.0 lacks (see the C file).
func addProcessPrng() error {
	dll := filepath.Join(wine.dir, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if _, err := os.Stat(dll); err == nil {
		return nil // a newer Wine has its own
	}
	cc := "x86_64-w64-mingw32-gcc"
	if _, err := exec.LookPath(cc); err != nil {
		return fmt.Errorf("%s is missing: apt install gcc-mingw-w64-x86-64 (make windows installs it)", cc)
	}
	out, err := exec.Command(cc, "-O2", "-shared", "-o", dll, "testdata/wine/bcryptprimitives.c", "-lbcrypt").CombinedOutput()
	if err != nil {
		return fmt.Errorf("building bcryptprimitives.dll for Wine: %w\n%s", err, out)
	}
	return nil
}

// unzipApp unpacks the zip into dir and returns its top folder, "OnAir
// Studio", checking that it holds what make windows puts there.
func unzipApp(zipPath, dir string) (string, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return "", err
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.FileInfo().IsDir() {
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(dst, dir+string(filepath.Separator)) {
			return "", fmt.Errorf("%s: %q is outside the zip's folder", zipPath, f.Name)
		}
		if err := unzipFile(f, dst); err != nil {
			return "", err
		}
	}
	top := filepath.Join(dir, "OnAir Studio")
	for _, want := range []string{winGUIExe, winCLIExe, "LICENSE.txt", "THIRD_PARTY_NOTICES.md"} {
		if _, err := os.Stat(filepath.Join(top, want)); err != nil {
			return "", fmt.Errorf("%s has no OnAir Studio/%s: %v", zipPath, want, names)
		}
	}
	return top, nil
}

func unzipFile(f *zip.File, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return fmt.Errorf("unzipping %s: %w", f.Name, err)
	}
	return w.Close()
}

// winExe is the path of one of the zip's exes.
func winExe(t testing.TB, name string) string {
	t.Helper()
	wineSetup(t)
	return filepath.Join(wine.app, name)
}

// wineCommand is `wine EXE args…` in the run's prefix.
func wineCommand(ctx context.Context, exe string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "wine", append([]string{exe}, args...)...)
	cmd.Env = wine.env
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// runWine runs onair.exe under Wine with a hard timeout, as runOnair runs
// the Linux binary; stdout is kept in the result's stdout.
func runWine(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	r, _ := runWineOut(t, timeout, args...)
	return r
}

func runWineOut(t *testing.T, timeout time.Duration, args ...string) (result, string) {
	t.Helper()
	exe := winExe(t, winCLIExe)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := wineCommand(ctx, exe, args...)
	// Files, not pipes: a Wine helper that the command starts and that
	// outlives it would hold a pipe open.
	dir := t.TempDir()
	stdout, stderr := filepath.Join(dir, "stdout"), filepath.Join(dir, "stderr")
	var err error
	if cmd.Stdout, err = os.Create(stdout); err != nil {
		t.Fatal(err)
	}
	defer cmd.Stdout.(*os.File).Close()
	if cmd.Stderr, err = os.Create(stderr); err != nil {
		t.Fatal(err)
	}
	defer cmd.Stderr.(*os.File).Close()
	start := time.Now()
	err = cmd.Run()
	r := result{elapsed: time.Since(start)}
	outText, _ := os.ReadFile(stdout)
	errText, _ := os.ReadFile(stderr)
	r.stderr = string(errText)
	if ctx.Err() != nil {
		t.Fatalf("wine onair.exe %s did not finish within %s; stderr:\n%s", strings.Join(args, " "), timeout, r.stderr)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running wine: %v", err)
	}
	return r, string(outText)
}

// winPath is a host path as a Windows program under Wine names it (Wine's
// Z: drive is the host's /).
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }
