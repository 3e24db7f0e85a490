//go:build interop && wine

package main

import (
	"context"
	"debug/pe"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/assets"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/internal/winres"
)

// windowsSystemDLLs are the DLLs every Windows 10 and 11 has in System32,
// of those a Go, GLFW, miniaudio, DirectShow and FFmpeg program may import.
// Anything else (libstdc++-6, libgcc_s_seh-1, libwinpthread-1, avcodec-61…)
// would have to ship next to the exe, and the exe would not start without it.
var windowsSystemDLLs = []string{
	"advapi32.dll", "bcrypt.dll", "comctl32.dll", "comdlg32.dll", "crypt32.dll", "dwmapi.dll",
	"gdi32.dll", "imm32.dll", "iphlpapi.dll", "kernel32.dll", "msvcrt.dll", "ntdll.dll",
	"ole32.dll", "oleaut32.dll", "opengl32.dll", "powrprof.dll", "quartz.dll", "secur32.dll",
	"setupapi.dll", "shell32.dll", "shlwapi.dll", "user32.dll", "userenv.dll", "uxtheme.dll",
	"version.dll", "winmm.dll", "ws2_32.dll",
}

var (
	dllNameRe   = regexp.MustCompile(`(?m)^\s*DLL Name: (\S+)\s*$`)
	subsystemRe = regexp.MustCompile(`(?m)^Subsystem\s+[0-9a-f]+\s+\((.+)\)\s*$`)
)

// TestWineImports lists the DLLs each exe imports (objdump -p) and fails on
// any that is not Windows' own, and checks the subsystems: the window's exe
// opens no console, the CLI's is a console program.
func TestWineImports(t *testing.T) {
	objdump := testpeer.Require(t, "x86_64-w64-mingw32-objdump")
	for exe, subsystem := range map[string]string{winGUIExe: "Windows GUI", winCLIExe: "Windows CUI"} {
		out, err := exec.Command(objdump, "-p", winExe(t, exe)).Output()
		if err != nil {
			t.Fatalf("objdump -p %s: %v", exe, err)
		}
		var dlls []string
		for _, m := range dllNameRe.FindAllStringSubmatch(string(out), -1) {
			dlls = append(dlls, strings.ToLower(m[1]))
		}
		t.Logf("%s imports %s", exe, strings.Join(dlls, " "))
		if !slices.Contains(dlls, "kernel32.dll") {
			t.Errorf("%s: no kernel32.dll among its imports %v: objdump's output changed?", exe, dlls)
		}
		for _, d := range dlls {
			if !slices.Contains(windowsSystemDLLs, d) {
				t.Errorf("%s imports %s, which is not a Windows system DLL", exe, d)
			}
		}
		if m := subsystemRe.FindStringSubmatch(string(out)); m == nil || m[1] != subsystem {
			t.Errorf("%s: subsystem %v, want %s", exe, m, subsystem)
		}
	}
}

// TestWineResources checks that both exes carry the icon, the version
// resource and the manifest (cmd/onair-winres) with FyneApp.toml's name
// and version.
func TestWineResources(t *testing.T) {
	for _, exe := range []string{winGUIExe, winCLIExe} {
		f, err := pe.Open(winExe(t, exe))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := winres.ReadResources(f)
		if err != nil {
			t.Fatalf("%s: %v", exe, err)
		}
		types, err := r.Types()
		if err != nil {
			t.Fatalf("%s: %v", exe, err)
		}
		for _, want := range []int{winres.TypeIcon, winres.TypeGroupIcon, winres.TypeVersion, winres.TypeManifest} {
			if !slices.Contains(types, want) {
				t.Errorf("%s: resource types %v lack %d", exe, types, want)
			}
		}
		version := fmt.Sprintf("%s.%d", assets.Version, assets.Build)
		for _, s := range []string{"OnAir Studio", version, `<assemblyIdentity version="` + version + `"`} {
			if !r.HasString(s) {
				t.Errorf("%s: the resources do not hold %q", exe, s)
			}
		}
	}
}

// TestWineVersion runs `wine onair.exe --version`.
func TestWineVersion(t *testing.T) {
	r, out := runWineOut(t, time.Minute, "--version")
	t.Logf("wine onair.exe --version: %.1f s: %q", r.elapsed.Seconds(), out)
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	if lines[0] != "onair "+assets.Version || !strings.Contains(out, "FFmpeg 7.1.5 with x264") {
		t.Errorf("wine onair.exe --version printed %q; want onair %s and FFmpeg 7.1.5 with x264", out, assets.Version)
	}
}

// TestWineDevices runs `wine onair.exe devices`: pion's Windows drivers
// (DirectShow cameras, WASAPI microphones through miniaudio, GDI screens)
// start and the built-in test sources are listed. Wine has no camera.
func TestWineDevices(t *testing.T) {
	r, out := runWineOut(t, time.Minute, "devices")
	t.Logf("wine onair.exe devices (%.1f s):\n%s%s", r.elapsed.Seconds(), out, r.stderr)
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{"cameras:", "microphones:", "screens:", "tests:", "test "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the device list", want)
		}
	}
}

// TestWinePublish publishes the test sources for 8 s from onair.exe under
// Wine to nginx-rtmp on the host, recording the program to an MP4 at the
// same time: the stream is h264 High + aac with a keyframe every 2 s and
// decodes cleanly, and ffprobe reads the recording.
func TestWinePublish(t *testing.T) {
	const dur = 8 * time.Second
	mp4 := filepath.Join(t.TempDir(), "program.mp4")
	c := publishCase{1280, 720, 30, "4500k"}
	var log string
	run := func(t *testing.T, timeout time.Duration, args ...string) result {
		r := runWine(t, timeout, args...)
		log = r.stderr
		return r
	}
	flv := publishAndRecordBy(t, run, c, dur, "--record", winPath(mp4))
	t.Log(endedRe.FindString(log))
	checkRecording(t, flv, c, dur)
	if t.Failed() {
		t.Logf("onair.exe's log:\n%s", log)
	}
	p := testpeer.FFprobe(t, mp4)
	if !p.HasCodecs("h264", "aac") || math.Abs(p.Duration()-dur.Seconds()) > 1 {
		t.Errorf("the recording %s: %+v, %.1f s; want h264 and aac, %v", mp4, p, p.Duration(), dur)
	}
	if errs := testpeer.DecodeErrors(t, mp4); strings.TrimSpace(errs) != "" {
		t.Errorf("decoding the recording: %s", errs)
	}
}

// TestWineServe runs `wine onair.exe serve`; the host's ffmpeg pushes into
// it and the host's ffprobe plays it.
func TestWineServe(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))
	checkServe(t, wineCommand(context.Background(), winExe(t, winCLIExe), "serve", "--listen", addr), addr)
}
