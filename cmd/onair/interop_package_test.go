//go:build interop

package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	tmp := t.TempDir()
	prefix := pkgInstall(t, tarball, tmp)

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
	// PREFIX/bin/onair is the pure-Go launcher; the studio it starts is
	// PREFIX/lib/onair/onair-studio, with FFmpeg and x264 linked in.
	if interp, _ := pkgELF(t, bin); interp != "" {
		t.Errorf("%s is not the static launcher: it has the program interpreter %s", bin, interp)
	}
	studio := filepath.Join(prefix, "lib", "onair", "onair-studio")
	if fi, err := os.Stat(studio); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("the studio binary is not installed as %s: %v", studio, err)
	}
	if interp, needed := pkgELF(t, studio); interp == "" || !slices.Contains(needed, "libva.so.2") {
		t.Errorf("%s: program interpreter %q, NEEDED %v; want a dynamic binary that shares libva.so.2", studio, interp, needed)
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
		if first, _, _ := strings.Cut(out, "\n"); first != "onair "+assets.Version {
			t.Errorf("%s %s printed %q, want %q first", filepath.Base(bin), arg, out, "onair "+assets.Version)
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

// TestInteropPackageMissingLibrary is the "never a loader crash" point of
// the packaging issues, on the installed tarball: when the studio binary
// asks for a libva this computer does not have, the installed `onair` exits
// 1 within seconds with one sentence naming the missing library and what to
// install (and, with no terminal but a display, shows it in a dialog);
// without the studio binary it says the installation is incomplete; and
// every install target of the tarball's Makefile installs and removes the
// studio binary.
func TestInteropPackageMissingLibrary(t *testing.T) {
	tarball := os.Getenv("ONAIR_PACKAGE")
	if tarball == "" {
		t.Fatal("ONAIR_PACKAGE is not set: run `make package` and set ONAIR_PACKAGE to the dist/onair-*.tar.xz it made (make test-interop does both)")
	}
	testpeer.Require(t, "patchelf")
	tmp := t.TempDir()
	prefix := pkgInstall(t, tarball, tmp)
	bin, studio := filepath.Join(prefix, "bin", "onair"), filepath.Join(prefix, "lib", "onair", "onair-studio")
	// Ask for a VA-API of another major that this computer lacks, as a
	// build made for another distribution would.
	const have, want = "libva.so.2", "libva.so.1"
	if _, needed := pkgELF(t, studio); !slices.Contains(needed, have) || pkgHasLib(want) {
		t.Fatalf("the studio needs %v; want it to share %s, and this computer to lack %s", needed, have, want)
	}
	pkgRun(t, 30*time.Second, "", "patchelf", "--replace-needed", have, want, studio)
	if _, needed := pkgELF(t, studio); !slices.Contains(needed, want) {
		t.Fatalf("patchelf left the studio on %v", needed)
	}

	t.Run("terminal", func(t *testing.T) {
		code, stdout, stderr, took := pkgLaunch(t, bin, "--version")
		t.Logf("exit %d after %v: %s", code, took, stderr)
		if code != 1 || stdout != "" || took > 5*time.Second {
			t.Errorf("exit %d after %v, stdout %q; want 1 within 5 s and nothing on stdout", code, took, stdout)
		}
		pkgCheckSentence(t, stderr, want+" is missing", "install the packages that provide "+want)
	})

	t.Run("dialog", func(t *testing.T) {
		testpeer.Require(t, "xmessage")
		testpeer.Require(t, "xwininfo")
		x := startXvfb(t)
		// Only xmessage on PATH: the launcher's last-but-one choice, and one
		// every X install has.
		tools := t.TempDir()
		xmessage, _ := exec.LookPath("xmessage")
		if err := os.Symlink(xmessage, filepath.Join(tools, "xmessage")); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "--version")
		cmd.Env = append(pkgNoDesktop(), "DISPLAY="+x.display, "PATH="+tools)
		stderr := &testpeer.SyncBuffer{}
		cmd.Stderr = stderr // a pipe, not a terminal: as a desktop menu starts it
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		dialog := 0
		for deadline := time.Now().Add(20 * time.Second); dialog == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			tree := exec.Command("xwininfo", "-display", x.display, "-root", "-tree")
			if out, err := tree.Output(); err == nil && strings.Contains(string(out), `"xmessage"`) {
				if kids := testpeer.ProcTree(cmd.Process.Pid); len(kids) > 1 {
					dialog = kids[1]
				}
			}
		}
		if dialog == 0 {
			cmd.Process.Kill()
			<-done
			t.Fatalf("no xmessage window from the launcher within 20 s; stderr: %s", stderr)
		}
		// The user reads it and closes it: end the dialog (our grandchild, by pid).
		if p, err := os.FindProcess(dialog); err == nil {
			p.Kill()
		}
		select {
		case err := <-done:
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("after the dialog the launcher ended with %v, want exit 1", err)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatal("the launcher did not exit within 10 s of its dialog closing")
		}
		pkgCheckSentence(t, stderr.String(), want+" is missing", "install the packages that provide "+want)
	})

	t.Run("incomplete", func(t *testing.T) {
		if err := os.Rename(studio, studio+".away"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(studio+".away", studio)
		code, stdout, stderr, _ := pkgLaunch(t, bin, "--version")
		if code != 1 || stdout != "" {
			t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
		}
		pkgCheckSentence(t, stderr, "installation is incomplete ("+studio+" is missing): reinstall it")
	})

	// make uninstall removes the launcher, the studio and its folder.
	unpacked, _ := filepath.Glob(filepath.Join(tmp, "unpacked", "*", "Makefile"))
	pkgRun(t, 60*time.Second, filepath.Dir(unpacked[0]), "make", "uninstall", "PREFIX="+prefix, "DESTDIR=")
	for _, gone := range []string{bin, studio, filepath.Dir(studio)} {
		if _, err := os.Stat(gone); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("make uninstall left %s (%v)", gone, err)
		}
	}
	// make user-install puts both under ~/.local and the unpatched studio runs.
	home := filepath.Join(tmp, "home")
	pkgRun(t, 60*time.Second, filepath.Dir(unpacked[0]), "make", "user-install", "HOME="+home, "DESTDIR=")
	userBin, userStudio := filepath.Join(home, ".local", "bin", "onair"), filepath.Join(home, ".local", "lib", "onair", "onair-studio")
	if code, stdout, stderr, _ := pkgLaunch(t, userBin, "--version"); code != 0 || !strings.HasPrefix(stdout, "onair "+assets.Version+"\n") {
		t.Errorf("user-installed onair --version: exit %d, %q %q", code, stdout, stderr)
	}
	pkgRun(t, 60*time.Second, filepath.Dir(unpacked[0]), "make", "user-uninstall", "HOME="+home, "DESTDIR=")
	for _, gone := range []string{userBin, userStudio, filepath.Dir(userStudio)} {
		if _, err := os.Stat(gone); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("make user-uninstall left %s (%v)", gone, err)
		}
	}
}
