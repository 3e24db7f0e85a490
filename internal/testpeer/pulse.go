package testpeer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Pulse is a PulseAudio server of a test's own: a socket in a temporary
// directory (nothing of the machine's sound is touched) and one null sink,
// the test's "speakers", whose monitor source is what a desktop-audio
// capture hears.
type Pulse struct {
	// Env points a client at this server (PULSE_SERVER, and a HOME and
	// XDG_RUNTIME_DIR of its own); append it to a command's environment.
	Env []string
	// Sink is the null sink's name; its monitor is Sink + ".monitor".
	Sink string
}

// StartPulse starts the private PulseAudio that `make deps-test` unpacks
// (scripts/pulse.sh; ONAIR_PULSE names its directory) with a null sink,
// and waits until it answers (pactl info), at most 10 s; the test's
// cleanup stops it.
func StartPulse(t testing.TB) *Pulse {
	t.Helper()
	root := os.Getenv("ONAIR_PULSE")
	daemon, pactl := filepath.Join(root, "usr/bin/pulseaudio"), filepath.Join(root, "usr/bin/pactl")
	if _, err := os.Stat(daemon); root == "" || err != nil {
		t.Fatalf("no private PulseAudio (ONAIR_PULSE=%q): run `make deps-test`, or `scripts/pulse.sh build` and ONAIR_PULSE=$(scripts/pulse.sh path)", root)
	}
	modules, _ := filepath.Glob(filepath.Join(root, "usr/lib/pulse-*/modules"))
	if len(modules) != 1 {
		t.Fatalf("the private PulseAudio in %s has no modules directory", root)
	}
	// The modules' own helper libraries (libprotocol-native.so…) sit
	// beside them.
	libs := "LD_LIBRARY_PATH=" + strings.Join([]string{modules[0], filepath.Join(root, "usr/lib/x86_64-linux-gnu/pulseaudio"),
		filepath.Join(root, "usr/lib/x86_64-linux-gnu")}, ":")
	dir := t.TempDir()
	run, home := filepath.Join(dir, "run"), filepath.Join(dir, "home")
	for _, d := range []string{run, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(dir, "native")
	p := &Pulse{Sink: "onair_test_speakers",
		Env: []string{"PULSE_SERVER=unix:" + sock, "HOME=" + home, "XDG_RUNTIME_DIR=" + run}}
	buf := &SyncBuffer{}
	cmd := exec.Command(daemon, "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes",
		"--dl-search-path="+modules[0], "--log-target=stderr", "-L", "module-native-protocol-unix socket="+sock+" auth-anonymous=1",
		"-L", "module-null-sink sink_name="+p.Sink+" sink_properties=device.description=Test-Speakers")
	cmd.Env = append(append(os.Environ(), p.Env...), libs)
	cmd.Stdout, cmd.Stderr = buf, buf
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting pulseaudio: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		info := exec.CommandContext(ctx, pactl, "info")
		info.Env = append(append(os.Environ(), p.Env...), libs)
		err := info.Run()
		cancel()
		if err == nil {
			return p
		}
		select {
		case <-done:
			t.Fatalf("pulseaudio exited: %s", buf.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("pulseaudio did not answer within 10 s (%v): %s", err, buf.String())
		}
	}
}
