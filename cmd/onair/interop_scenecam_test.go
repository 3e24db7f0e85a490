//go:build interop

package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// audioFrom decodes secs seconds of path's audio from from on, as mono
// float samples at 48 kHz.
func audioFrom(t *testing.T, path string, from, secs float64) []float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pcm, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-nostdin", "-ss", fmt.Sprint(from), "-t", fmt.Sprint(secs),
		"-i", path, "-vn", "-ac", "1", "-ar", "48000", "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatalf("decoding audio: %v", err)
	}
	x := make([]float64, len(pcm)/2)
	for i := range x {
		x[i] = float64(int16(binary.LittleEndian.Uint16(pcm[2*i:]))) / 32768
	}
	return x
}

// toneLevels measures the tone at freq in each 100 ms window of x (mono,
// 48 kHz): its median and lowest amplitude, and the test tone's 1 kHz beep
// at its highest. Fewer than minWindows windows fail the test.
func toneLevels(t *testing.T, x []float64, freq float64, minWindows int) (median, lowest, beep float64) {
	t.Helper()
	const window = 4800
	var tones []float64
	for w := 0; w+window <= len(x); w += window {
		tones = append(tones, testpeer.ToneAmplitude(x[w:w+window], freq, 48000))
		beep = math.Max(beep, testpeer.ToneAmplitude(x[w:w+window], 1000, 48000))
	}
	if len(tones) < minWindows {
		t.Fatalf("%d windows of 100 ms of audio, want at least %d", len(tones), minWindows)
	}
	slices.Sort(tones)
	return tones[len(tones)/2], tones[0], beep
}

// TestInteropSceneIPCamera pushes a clip into `onair serve` with ffmpeg, as
// an IP camera would, and publishes a scene that shows it as a
// picture-in-picture layer over a colour to nginx-rtmp: the received
// program shows the clip's colour in that rectangle, and the clip's 440 Hz
// tone is in the program's audio beside the test tone.
func TestInteropSceneIPCamera(t *testing.T) {
	t.Parallel()
	srv := startServe(t)
	cam := srv.url("cam1")
	// The camera: a solid green picture and a 440 Hz mono tone at 0.125,
	// at 44.1 kHz as many cameras send it (the mix resamples it to 48 kHz).
	startBG(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
		"-f", "lavfi", "-i", "color=c=0x20C040:size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
		"-t", "40", "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-f", "flv", cam)
	waitLive(t, cam)
	file := sceneFile(t, t.TempDir(), fmt.Sprintf(`{"scenes": [{"name": "Guest", "layers": [
  {"name": "Background", "source": {"kind": "color", "color": "#303030"}, "place": {"x": 0, "y": 0, "w": 1, "h": 1}},
  {"name": "Camera", "source": {"kind": "stream", "url": %q}, "place": {"x": 0.5, "y": 0.5, "w": 0.4, "h": 0.4}}
]}]}`, cam))
	c := publishCase{640, 360, 30, "1500k"}
	dur := 8 * time.Second
	out := publishAndRecord(t, c, dur, "--scene", file, "--audio", "test")
	if errs := testpeer.DecodeErrors(t, out); errs != "" {
		t.Errorf("decode errors: %s", errs)
	}
	// ffmpeg's color source makes BT.601 YCbCr, which the studio passes
	// through as it is.
	green, grey := ycbcr(bt601, 0x20, 0xC0, 0x40), ycbcr(bt709, 0x30, 0x30, 0x30)
	frames := testpeer.DecodeFrames(t, out, 150, 60, c.width, c.height) // 5 s to 7 s
	for i, f := range frames {
		// The layer is (320,180)-(576,324).
		for _, p := range [][2]int{{340, 200}, {448, 252}, {560, 310}} {
			if got := yuvAt(f, p[0], p[1]); !yuvNear(got, green, 8) {
				t.Errorf("frame %d: the camera's layer at %v is YCbCr %v, want its green %v", 150+i, p, got, green)
			}
		}
		for _, p := range [][2]int{{100, 100}, {300, 200}, {600, 340}} {
			if got := yuvAt(f, p[0], p[1]); !yuvNear(got, grey, 6) {
				t.Errorf("frame %d: the background at %v is YCbCr %v, want %v", 150+i, p, got, grey)
			}
		}
		if t.Failed() {
			break
		}
	}
	// The camera's tone in the program's audio at its level (0.125: the
	// mix is at unity gain), in the median 100 ms window from 4 s to 7 s
	// (a window with a resync of the stream's timing reads lower), and the
	// test tone's beeps (1 kHz, 0.1 s of each second) in the mix too.
	median, lowest, beep := toneLevels(t, audioFrom(t, out, 4, 3), 440, 20)
	t.Logf("the camera's 440 Hz tone is at %.3f in the program's median 100 ms (sent at 0.125; lowest window %.3f); the test tone's beep at %.3f", median, lowest, beep)
	if math.Abs(median-0.125) > 0.015 {
		t.Errorf("the camera's 440 Hz tone is at %.3f in the program, want 0.125", median)
	}
	if beep < 0.05 {
		t.Errorf("the test tone's 1 kHz beep is at %.3f in the program, want it mixed in", beep)
	}
}
