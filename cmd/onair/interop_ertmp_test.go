//go:build interop

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// ertmpPeer builds internal/ertmppeer (bluenviron/gortmplib, an Enhanced
// RTMP implementation of its own, in a module of its own) once per run.
var ertmpPeer = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "onair-ertmppeer")
	if err != nil {
		return "", err
	}
	afterAll = append(afterAll, func() { os.RemoveAll(dir) })
	bin := filepath.Join(dir, "ertmppeer")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..", "internal", "ertmppeer")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &exec.ExitError{Stderr: out, ProcessState: cmd.ProcessState}
	}
	return bin, nil
})

func needERTMPPeer(t *testing.T) string {
	t.Helper()
	bin, err := ertmpPeer()
	if err != nil {
		var out []byte
		if ee, ok := err.(*exec.ExitError); ok {
			out = ee.Stderr
		}
		t.Fatalf("building the gortmplib peer (internal/ertmppeer; it needs the Go module proxy): %v\n%s", err, out)
	}
	return bin
}

// ertmpClip encodes 2 s of testsrc2 at 320x240, 25 fps, a keyframe each
// second, as the elementary stream ertmppeer publishes: HEVC (libx265,
// no B-frames, access unit delimiters) or AV1 (libaom, OBUs).
func ertmpClip(t *testing.T, codec string) string {
	t.Helper()
	return ertmpClipSized(t, codec, "320x240")
}

// ertmpClipSized is ertmpClip at another size.
func ertmpClipSized(t *testing.T, codec, size string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "clip."+codec)
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=25", "-t", "2", "-pix_fmt", "yuv420p"}
	if codec == "hevc" {
		args = append(args, "-c:v", "libx265", "-x265-params", "log-level=error:keyint=25:bframes=0:aud=1:repeat-headers=1", "-f", "hevc", out)
	} else {
		args = append(args, "-c:v", "libaom-av1", "-cpu-used", "8", "-g", "25", "-lag-in-frames", "0", "-f", "obu", out)
	}
	if b, err := exec.Command(testpeer.Require(t, "ffmpeg"), args...).CombinedOutput(); err != nil {
		t.Fatalf("encoding the %s clip: %v\n%s", codec, err, b)
	}
	return out
}

// TestInteropEnhancedRTMP is the Enhanced RTMP acceptance of issue 15:
// gortmplib publishes HEVC and AV1 into onair serve; gortmplib plays each
// back, and ffprobe sees the codec at 320x240 in what it received, which
// decodes clean. A legacy player (Debian 12's ffmpeg, which lists no
// fourCcList) is refused with a sentence that says why. The HEVC stream's
// recording is MP4 (hvc1) that plays; AV1, which the recorder does not
// take, leaves no file and a log line that says so.
func TestInteropEnhancedRTMP(t *testing.T) {
	peer := needERTMPPeer(t)
	recDir := t.TempDir()
	srv := startServe(t, "--record", recDir)
	for _, codec := range []string{"hevc", "av1"} {
		t.Run(codec, func(t *testing.T) {
			clip := ertmpClip(t, codec)
			name := "ertmp-" + codec
			pub := startBG(t, peer, "publish", "-url", srv.url(name), "-codec", codec, "-in", clip, "-loops", "3")
			out := filepath.Join(t.TempDir(), "played."+codec)
			play := startBG(t, peer, "play", "-url", srv.url(name), "-out", out, "-frames", "40", "-timeout", "20s")
			play.wait(t, "gortmplib playing "+codec, 30*time.Second)

			// Debian 12's ffmpeg (5.1) plays no Enhanced RTMP.
			legacy, _ := exec.Command(testpeer.Require(t, "ffmpeg"), "-hide_banner", "-nostdin", "-rw_timeout", "10000000",
				"-i", srv.url(name), "-t", "1", "-f", "null", "-").CombinedOutput()
			if !strings.Contains(string(legacy), "did not list") || !strings.Contains(string(legacy), "fourCcList") {
				t.Errorf("a legacy player was not told why it cannot play %s:\n%s", codec, legacy)
			}
			pub.wait(t, "gortmplib publishing "+codec, 30*time.Second)

			probe := testpeer.FFprobe(t, out)
			if v, ok := probe.Stream("video"); !ok || v.CodecName != codec || v.Width != 320 || v.Height != 240 {
				t.Errorf("played back: %+v; want %s 320x240", probe.Streams, codec)
			}
			if e := testpeer.DecodeErrors(t, out); e != "" {
				t.Errorf("decoding what gortmplib played reported errors:\n%s", e)
			}
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	var hevcFiles []string
	for time.Now().Before(deadline) && !strings.Contains(srv.stderr.String(), "recording saved") {
		time.Sleep(100 * time.Millisecond)
	}
	hevcFiles, _ = filepath.Glob(filepath.Join(recDir, "live-ertmp-hevc-*.mp4"))
	if len(hevcFiles) != 1 {
		t.Fatalf("HEVC recordings: %v; want one\n%s", hevcFiles, srv.stderr)
	}
	probe := testpeer.FFprobe(t, hevcFiles[0])
	if v, ok := probe.Stream("video"); !ok || v.CodecName != "hevc" || v.CodecTag != "hvc1" || v.Width != 320 || v.Height != 240 {
		t.Errorf("HEVC recording: %+v; want hevc (hvc1) 320x240", probe.Streams)
	}
	if d := probe.Duration(); d < 5 || d > 6.5 {
		t.Errorf("HEVC recording lasts %.2f s; want the 6 s published", d)
	}
	if e := testpeer.DecodeErrors(t, hevcFiles[0]); e != "" {
		t.Errorf("decoding the HEVC recording reported errors:\n%s", e)
	}
	if av1, _ := filepath.Glob(filepath.Join(recDir, "live-ertmp-av1-*")); len(av1) != 0 || !strings.Contains(srv.stderr.String(), "av1 video (recordings take H.264 and HEVC)") {
		t.Errorf("AV1 recording: files %v; want none, and the reason in the log", av1)
	}
	if t.Failed() {
		t.Logf("onair serve log:\n%s", srv.stderr)
	}
}
