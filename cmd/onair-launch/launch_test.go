package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

var errNotOnPath = errors.New("not on PATH")

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// goBuild builds pkg into out with cgo on or off, and extra environment.
func goBuild(t *testing.T, out, pkg string, cgo bool, env ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if cgo {
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	}
	cmd.Env = append(cmd.Env, env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// install lays out a prefix as the package does: bin/onair is this
// launcher, lib/onair/onair-studio the given studio binary (none if "").
func install(t *testing.T, studio string) (launcher string) {
	t.Helper()
	prefix := t.TempDir()
	launcher = filepath.Join(prefix, "bin", "onair")
	if err := os.MkdirAll(filepath.Dir(launcher), 0o755); err != nil {
		t.Fatal(err)
	}
	goBuild(t, launcher, ".", false)
	if studio != "" {
		b, err := os.ReadFile(studio)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(prefix, "lib", "onair", "onair-studio"), string(b), 0o755)
	}
	return launcher
}

// result is what one run of the launcher did.
type result struct {
	code           int
	stdout, stderr string
	pid            int
	took           time.Duration
}

// launch runs bin with args and ONAIR_TEST=env, with no desktop (so no
// dialog), and a hard timeout.
func launch(t *testing.T, bin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "ONAIR_TEST=passed through")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	r := result{stdout: stdout.String(), stderr: stderr.String(), pid: cmd.Process.Pid, took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", bin, err)
	}
	return r
}

// studioBins builds the stand-in studio, static and (with a C compiler)
// dynamic.
func studioBins(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	bins := map[string]string{"static": filepath.Join(dir, "static")}
	goBuild(t, bins["static"], "./testdata/studio", false)
	if _, err := exec.LookPath("gcc"); err == nil {
		bins["dynamic"] = filepath.Join(dir, "dynamic")
		goBuild(t, bins["dynamic"], "./testdata/studio", true)
		if interp, _, err := readELF(bins["dynamic"]); err != nil || interp == "" {
			t.Fatalf("the cgo stand-in has no PT_INTERP (%q, %v)", interp, err)
		}
	} else {
		t.Log("no gcc: only the static stand-in is tried")
	}
	return bins
}

// TestLauncherExecs: through a symlink, the launcher finds the studio next
// to its resolved self and becomes it: same pid, argv[0] as typed, every
// argument and the environment passed through.
func TestLauncherExecs(t *testing.T) {
	for kind, studio := range studioBins(t) {
		t.Run(kind, func(t *testing.T) {
			launcher := install(t, studio)
			link := filepath.Join(t.TempDir(), "onair")
			if err := os.Symlink(launcher, link); err != nil {
				t.Fatal(err)
			}
			r := launch(t, link, "publish", "--to", "rtmp://h/app/k e y", "")
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			var got struct {
				Pid  int
				Args []string
				Env  string
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("studio printed %q: %v", r.stdout, err)
			}
			if want := []string{link, "publish", "--to", "rtmp://h/app/k e y", ""}; !slices.Equal(got.Args, want) {
				t.Errorf("studio args %q, want %q", got.Args, want)
			}
			if got.Pid != r.pid || got.Env != "passed through" {
				t.Errorf("studio pid %d env %q, want the launcher's pid %d and the environment", got.Pid, got.Env, r.pid)
			}
		})
	}
}

// TestLauncherMissingLibrary: a studio that needs a libva this machine
// lacks makes the launcher say so in one line and exit 1, before the
// loader can crash.
func TestLauncherMissingLibrary(t *testing.T) {
	testpeer.Require(t, "gcc")
	missing := "libva.so.1" // VA-API 1.x: no distribution this runs on still ships it
	if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/" + missing); err == nil {
		t.Fatalf("this machine has %s; the test needs one it lacks", missing)
	}
	// Link the stand-in against real (empty) libraries by those names in a
	// folder the loader will not search, as a build made elsewhere is.
	libs := t.TempDir()
	for _, name := range []string{missing, "libXinerama.so.9"} {
		if b, err := exec.Command("gcc", "-shared", "-o", filepath.Join(libs, name), "-Wl,-soname,"+name, "-x", "c", os.DevNull).CombinedOutput(); err != nil {
			t.Fatalf("gcc: %v\n%s", err, b)
		}
	}
	studio := filepath.Join(t.TempDir(), "studio")
	goBuild(t, studio, "./testdata/studio", true, "CGO_LDFLAGS=-Wl,--no-as-needed -L"+libs+" -l:"+missing+" -l:libXinerama.so.9")
	r := launch(t, install(t, studio), "--version")
	t.Logf("exit %d in %v: %s", r.code, r.took, r.stderr)
	if r.code != 1 || r.stdout != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", r.code, r.stdout)
	}
	line := strings.TrimSuffix(r.stderr, "\n")
	want := "OnAir Studio cannot start because libva.so.1, libXinerama.so.9 are missing: install the packages that provide libva.so.1, libXinerama.so.9."
	if line != want {
		t.Errorf("stderr says\n%q\nwant\n%q", line, want)
	}
}

// TestLauncherIncomplete: without the studio binary the launcher says the
// installation is incomplete; with a file that is not a program, that it is
// damaged.
func TestLauncherIncomplete(t *testing.T) {
	r := launch(t, install(t, ""), "--version")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "OnAir Studio's installation is incomplete (") ||
		!strings.Contains(r.stderr, "lib/onair/onair-studio is missing): reinstall it") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	junk := filepath.Join(t.TempDir(), "junk")
	writeFile(t, junk, "#!/bin/sh\necho hi\n", 0o755)
	r = launch(t, install(t, junk), "--version")
	if r.code != 1 || !strings.Contains(r.stderr, "is damaged (") || !strings.Contains(r.stderr, "reinstall it.") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestLauncherOverhead measures what the launcher adds to starting a
// dynamic studio (the loader query and the exec) and bounds it loosely: a
// loaded 2-core machine is slow, but not half a second slow.
func TestLauncherOverhead(t *testing.T) {
	studio := studioBins(t)["dynamic"]
	if studio == "" {
		t.Skip("no gcc to build a dynamic stand-in")
	}
	launcher := install(t, studio)
	median := func(bin string) time.Duration {
		var d []time.Duration
		for range 9 {
			r := launch(t, bin)
			if r.code != 0 {
				t.Fatalf("%s: exit %d %s", bin, r.code, r.stderr)
			}
			d = append(d, r.took)
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	direct, via := median(studio), median(launcher)
	t.Logf("median start: studio %v, through the launcher %v (+%v)", direct, via, via-direct)
	if via-direct > 500*time.Millisecond {
		t.Errorf("the launcher adds %v to start-up", via-direct)
	}
}
