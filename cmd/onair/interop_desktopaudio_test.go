//go:build interop

package main

import (
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropDesktopAudio: what the computer plays reaches the program. A
// PulseAudio of the test's own stands for the desktop, with a null sink as
// its speakers; ffmpeg plays a 600 Hz tone at 0.125 into them. `onair
// devices` lists the sink's monitor as desktop audio (not as a
// microphone), and `onair publish --audio desktop,test` mixes it with the
// test tone: nginx-rtmp receives the 600 Hz tone at its level beside the
// test tone's beeps.
func TestInteropDesktopAudio(t *testing.T) {
	t.Parallel()
	pa := testpeer.StartPulse(t)
	testpeer.Require(t, "ffmpeg")
	play := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
		"-f", "lavfi", "-i", "sine=frequency=600:sample_rate=48000", "-t", "60",
		"-f", "pulse", "-device", pa.Sink, "onair desktop-audio test")
	play.Env = append(os.Environ(), pa.Env...)
	out := &testpeer.SyncBuffer{}
	play.Stdout, play.Stderr = out, out
	if err := play.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { play.Wait(); close(done) }()
	t.Cleanup(func() { play.Process.Kill(); <-done })

	monitor := "desktop:" + pa.Sink + ".monitor"
	r := runOnairEnv(t, pa.Env, 30*time.Second, "devices")
	if r.code != 0 {
		t.Fatalf("onair devices exited %d: %s", r.code, r.stderr)
	}
	sections := map[string]string{} // heading → its lines
	heading := ""
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasSuffix(l, ":") && !strings.HasPrefix(l, " ") {
			heading = strings.TrimSuffix(l, ":")
			continue
		}
		sections[heading] += l + "\n"
	}
	section := func(name string) string { return sections[name] }
	if d := section("desktop audio"); !strings.Contains(d, monitor) || !strings.Contains(d, "Monitor of Test-Speakers") {
		t.Errorf("onair devices does not list %s as desktop audio:\n%s", monitor, r.stdout)
	}
	if m := section("microphones"); strings.Contains(m, ".monitor") {
		t.Errorf("onair devices lists a monitor among the microphones:\n%s", r.stdout)
	}

	c := publishCase{640, 360, 30, "800k"}
	run := func(t *testing.T, timeout time.Duration, args ...string) result {
		return runOnairEnv(t, pa.Env, timeout, args...)
	}
	rec := publishAndRecordBy(t, run, c, 8*time.Second, "--audio", "desktop,test")
	select {
	case <-done:
		t.Fatalf("ffmpeg stopped playing into PulseAudio: %s", out.String())
	default:
	}
	// The tone in the program at its level (the mix is at unity gain), in
	// the median 100 ms window from 3 s to 7 s, and the test tone's beeps.
	median, lowest, beep := toneLevels(t, audioFrom(t, rec, 3, 4), 600, 30)
	t.Logf("the desktop's 600 Hz tone is at %.3f in the program's median 100 ms (played at 0.125; lowest window %.3f); the test tone's beep at %.3f",
		median, lowest, beep)
	if math.Abs(median-0.125) > 0.015 {
		t.Errorf("the desktop's 600 Hz tone is at %.3f in the program, want 0.125", median)
	}
	if beep < 0.05 {
		t.Errorf("the test tone's 1 kHz beep is at %.3f in the program, want it mixed in", beep)
	}
}
