//go:build interop && wine

package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/pe"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
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

// objdumpImports reads the imported DLLs and the subsystem from
// `objdump -p` (about 300,000 lines, most of them unwind data).
func objdumpImports(out []byte) (dlls []string, subsystem string) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if name, ok := strings.CutPrefix(line, "DLL Name: "); ok {
			dlls = append(dlls, strings.ToLower(name))
		} else if rest, ok := strings.CutPrefix(line, "Subsystem"); ok && subsystem == "" {
			if i, j := strings.Index(rest, "("), strings.LastIndex(rest, ")"); i >= 0 && j > i {
				subsystem = rest[i+1 : j]
			}
		}
	}
	return dlls, subsystem
}

// peImports runs objdump -p on an exe: its DLLs and its subsystem.
func peImports(t *testing.T, path string) (dlls []string, subsystem string) {
	t.Helper()
	objdump := testpeer.Require(t, "x86_64-w64-mingw32-objdump")
	out, err := exec.Command(objdump, "-p", path).Output()
	if err != nil {
		t.Fatalf("objdump -p %s: %v", path, err)
	}
	dlls, subsystem = objdumpImports(out)
	if !slices.Contains(dlls, "kernel32.dll") {
		t.Fatalf("%s: no kernel32.dll among its imports %v", path, dlls)
	}
	return dlls, subsystem
}

// notSystem returns the DLLs that are not Windows' own.
func notSystem(dlls []string) []string {
	var out []string
	for _, d := range dlls {
		if !slices.Contains(windowsSystemDLLs, d) {
			out = append(out, d)
		}
	}
	return out
}

// TestWineImports lists the DLLs each exe imports (objdump -p) and fails on
// any that is not Windows' own, and checks the subsystems: the window's exe
// opens no console, the CLI's is a console program.
func TestWineImports(t *testing.T) {
	for exe, want := range map[string]string{winGUIExe: "Windows GUI", winCLIExe: "Windows CUI"} {
		dlls, subsystem := peImports(t, winExe(t, exe))
		t.Logf("%s imports %s", exe, strings.Join(dlls, " "))
		if bad := notSystem(dlls); len(bad) > 0 {
			t.Errorf("%s imports %v, which are not Windows system DLLs", exe, bad)
		}
		if subsystem != want {
			t.Errorf("%s: subsystem %q, want %s", exe, subsystem, want)
		}
	}
}

// TestWineImportsCatchesRuntimeDLLs builds a C++ program the way mingw-w64
// links by default (libstdc++ and libgcc as DLLs): the check must name them.
func TestWineImportsCatchesRuntimeDLLs(t *testing.T) {
	cxx := testpeer.Require(t, "x86_64-w64-mingw32-g++")
	dir := t.TempDir()
	src, exe := filepath.Join(dir, "hello.cc"), filepath.Join(dir, "hello.exe")
	if err := os.WriteFile(src, []byte("#include <iostream>\nint main() { std::cout << \"hello\" << std::endl; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(cxx, "-o", exe, src).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cxx, err, out)
	}
	dlls, _ := peImports(t, exe)
	if bad := notSystem(dlls); !slices.Contains(bad, "libstdc++-6.dll") {
		t.Errorf("a dynamically linked C++ exe imports %v; the check found %v, not libstdc++-6.dll", dlls, bad)
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

// TestWineNotices: the zip's THIRD_PARTY_NOTICES.md names every Go module
// of the exes, including those only Windows builds link (wincred…).
func TestWineNotices(t *testing.T) {
	checkNotices(t, winExe(t, winCLIExe), filepath.Join(wine.app, "THIRD_PARTY_NOTICES.md"))
}

// TestWineVersion runs `wine onair.exe --version`.
func TestWineVersion(t *testing.T) {
	r, out := runWineOut(t, time.Minute, "--version")
	t.Logf("wine onair.exe --version: %.1f s: %q", r.elapsed.Seconds(), out)
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	if lines[0] != "onair "+assets.Version || !strings.Contains(out, "FFmpeg 7.1.5 with x264 and x265") {
		t.Errorf("wine onair.exe --version printed %q; want onair %s and FFmpeg 7.1.5 with x264 and x265", out, assets.Version)
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

// TestWinePublishHEVC: onair.exe encodes HEVC with its own libx265 (built
// with its assembly) and sends it over Enhanced RTMP to onair serve on the
// host, recording the program at the same time: the recording is hevc
// (hvc1) at the size asked and decodes clean.
func TestWinePublishHEVC(t *testing.T) {
	srv := startServe(t)
	mp4 := filepath.Join(t.TempDir(), "hevc.mp4")
	r := runWine(t, 90*time.Second, "publish", "--codec", "hevc", "--preset", "ultrafast", "--size", "320x240",
		"--video-bitrate", "400k", "--duration", "4s", "--to", srv.url("winhevc"), "--record", winPath(mp4))
	if r.code != 0 || !strings.Contains(r.stderr, "encoder=libx265") {
		t.Fatalf("onair.exe publish --codec hevc exited %d, want 0 with libx265:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(srv.stderr.String(), "stream=live/winhevc") {
		t.Errorf("onair serve did not see the stream:\n%s", srv.stderr)
	}
	p := testpeer.FFprobe(t, mp4)
	if v, ok := p.Stream("video"); !ok || v.CodecName != "hevc" || v.CodecTag != "hvc1" || v.Width != 320 || v.Height != 240 {
		t.Errorf("the recording: %+v; want hevc (hvc1) 320x240", p.Streams)
	}
	if errs := testpeer.DecodeErrors(t, mp4); strings.TrimSpace(errs) != "" {
		t.Errorf("decoding the recording: %s", errs)
	}
}

// TestWineServe runs `wine onair.exe serve`; the host's ffmpeg pushes into
// it and the host's ffprobe plays it.
func TestWineServe(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePortPair(t))
	checkServe(t, wineCommand(context.Background(), winExe(t, winCLIExe), "serve", "--listen", addr), addr)
}
