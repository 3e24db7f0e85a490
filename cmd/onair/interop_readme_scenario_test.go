//go:build interop

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// readmeScenario runs one quick start's commands as a user would in
// terminals: long-running ones (a server, a push, a player) stay up, the
// others must end with 0.
type readmeScenario struct {
	dir, home string
	env       []string
	x         *xvfb
	started   []*readmeProcess
	outputs   map[string]string // each finished command's output, by its line
}

// readmeProcess is a command left running.
type readmeProcess struct {
	line string
	cmd  *exec.Cmd
	out  *testpeer.SyncBuffer
	done chan error
}

func newReadmeScenario(t *testing.T, clip string) *readmeScenario {
	t.Helper()
	for _, port := range []int{1935, 1936, 8080} {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatalf("the README's commands use 127.0.0.1:%d, which another program holds (`ss -ltnp 'sport = :%d'` names it): %v", port, port, err)
		}
		ln.Close()
	}
	shim := t.TempDir() // `onair` on PATH is the binary under test
	if err := os.Symlink(onairBin, filepath.Join(shim, "onair")); err != nil {
		t.Fatal(err)
	}
	s := &readmeScenario{dir: t.TempDir(), home: t.TempDir(), outputs: map[string]string{}}
	s.env = append(os.Environ(), "PATH="+shim+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+s.home,
		"SDL_AUDIODRIVER=dummy", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent")
	// The push quick start sends "a file": clip, named as the README names it.
	if err := os.Symlink(clip, filepath.Join(s.dir, "input.mp4")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// readmeLoopback is the one change made to a README command: a test binds
// loopback only, so a LAN listener listens on 127.0.0.1.
func readmeLoopback(line string) string { return strings.ReplaceAll(line, "0.0.0.0:", "127.0.0.1:") }

// run runs one README command line.
func (s *readmeScenario) run(t *testing.T, line string) {
	t.Helper()
	line = readmeLoopback(line)
	f := strings.Fields(line)
	if f[0] != "onair" {
		testpeer.Require(t, f[0]) // fails saying how to install it
	}
	switch {
	case f[0] == "onair" && len(f) > 1 && f[1] == "serve":
		p := s.startEnv(t, line)
		addr := "127.0.0.1:1935"
		for i, a := range f {
			if a == "--listen" && i+1 < len(f) {
				addr = f[i+1]
			}
		}
		s.waitListening(t, p, addr)
		if strings.Contains(line, "--http ") {
			s.waitListening(t, p, "127.0.0.1:8080")
		}
	case f[0] == "ffmpeg" && slices.Contains(f, "-re") && !slices.Contains(f, "-t"):
		s.startEnv(t, line)
		waitLive(t, f[len(f)-1])
	case f[0] == "ffplay":
		if s.x == nil {
			s.x = startXvfb(t)
		}
		p := s.startEnv(t, line, "DISPLAY="+s.x.display)
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("`%s` ended at once (%v):\n%s", line, err, p.out)
		case <-time.After(4 * time.Second):
		}
	default:
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", "-c", line)
		cmd.Dir, cmd.Env = s.dir, s.env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("`%s`: %v\n%s", line, err, out)
		}
		s.outputs[line] = string(out)
		t.Logf("`%s`: ok (%d bytes of output)", line, len(out))
	}
}

// startEnv starts line and leaves it running, with env added to the
// scenario's environment.
func (s *readmeScenario) startEnv(t *testing.T, line string, env ...string) *readmeProcess {
	t.Helper()
	p := &readmeProcess{line: line, cmd: exec.Command("sh", "-c", "exec "+line), out: &testpeer.SyncBuffer{}, done: make(chan error, 1)}
	p.cmd.Dir, p.cmd.Env = s.dir, append(append([]string(nil), s.env...), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("`%s`: %v", line, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	s.started = append(s.started, p)
	t.Logf("`%s`: started", line)
	return p
}

// waitListening waits until addr takes TCP connections, failing if p ends.
func (s *readmeScenario) waitListening(t *testing.T, p *readmeProcess, addr string) {
	t.Helper()
	ended := func() error {
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("`%s` ended (%v)", p.line, err)
		default:
			return nil
		}
	}
	if err := testpeer.WaitListening(addr, 10*time.Second, ended); err != nil {
		t.Fatalf("%v:\n%s", err, p.out)
	}
}

// output is what the running command started by line has printed.
func (s *readmeScenario) output(t *testing.T, prefix string) string {
	t.Helper()
	for _, p := range s.started {
		if strings.HasPrefix(p.line, prefix) {
			return p.out.String()
		}
	}
	for line, out := range s.outputs {
		if strings.HasPrefix(line, prefix) {
			return out
		}
	}
	t.Fatalf("no README command starting with %q ran", prefix)
	return ""
}

// stop interrupts what is still running, newest first, as Ctrl-C would,
// and kills what does not end within 10 s.
func (s *readmeScenario) stop(t *testing.T) {
	for i := len(s.started) - 1; i >= 0; i-- {
		p := s.started[i]
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
			t.Errorf("`%s` did not stop within 10 s of Ctrl-C", p.line)
		}
		if t.Failed() {
			t.Logf("`%s` printed:\n%s", p.line, p.out)
		}
	}
	s.started = nil
}

// readmeChecks check what each quick start's commands did, after they ran
// (a finished command already ended with 0, a long-running one is up).
var readmeChecks = map[string]func(*testing.T, *readmeScenario){
	"Go live on YouTube, Twitch or Facebook (RTMPS)": func(t *testing.T, s *readmeScenario) {
		if out := s.output(t, "onair devices"); !strings.Contains(out, "test pattern") {
			t.Errorf("onair devices does not list the test pattern:\n%s", out)
		}
		if out := s.output(t, "onair serve"); !strings.Contains(out, "live/rehearsal") {
			t.Errorf("the local server did not log the rehearsal:\n%s", out)
		}
	},
	"Preview an IP camera": func(t *testing.T, s *readmeScenario) {
		out := s.output(t, "onair serve")
		m := regexp.MustCompile(`rtmp://\S+/live/NAME_(\S+)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("onair serve --generate-key printed no camera URL (…/live/NAME_KEY):\n%s", out)
		}
		// A camera set up as the table says, pushing to this computer.
		cam := fmt.Sprintf("rtmp://127.0.0.1:1935/live/cam1_%s", m[1])
		ffmpegLive(t, cam, 30)
		waitLive(t, "rtmp://127.0.0.1:1935/live/cam1")
		// One without the key is refused.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		intruder := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi",
			"-i", "testsrc2=size=320x240:rate=30", "-t", "3", "-c:v", "libx264", "-f", "flv", "rtmp://127.0.0.1:1935/live/intruder")
		if err := intruder.Run(); err == nil || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("a publish without the generated key was not refused (ffmpeg: %v)", err)
		}
	},
	"Push from OBS or ffmpeg into the local server": func(t *testing.T, s *readmeScenario) {
		for _, name := range []string{"cam1", "cam2"} {
			p := testpeer.FFprobe(t, "rtmp://127.0.0.1:1935/live/"+name)
			if v, ok := p.Stream("video"); !ok || v.CodecName != "h264" || v.Width != 1280 {
				t.Errorf("live/%s: %+v; want 1280x720 h264", name, p)
			}
		}
	},
	"Watch the local server from VLC or ffplay": func(t *testing.T, s *readmeScenario) {
		var stats server.Stats
		out := s.output(t, "curl")
		if err := json.Unmarshal([]byte(out), &stats); err != nil {
			t.Fatalf("curl /api/streams: %v\n%s", err, out)
		}
		for _, st := range stats.Streams {
			if st.Name == "live/cam1" {
				if !st.Live || st.Players < 1 || st.Video == nil || st.Video.Width != 1280 {
					t.Errorf("/api/streams live/cam1: %+v; want live, 1280 wide, with ffplay as a player", st)
				}
				return
			}
		}
		t.Errorf("/api/streams has no live/cam1:\n%s", out)
	},
	"Watch on your phone": func(t *testing.T, s *readmeScenario) {
		if out := s.output(t, "onair serve"); !strings.Contains(out, "watch in a browser: http://127.0.0.1:1936/") || !strings.Contains(out, "█") {
			t.Errorf("onair serve --qr printed no page address or QR code:\n%s", out)
		}
		if out := s.output(t, "ffprobe"); !strings.Contains(out, "h264") || !strings.Contains(out, "aac") {
			t.Errorf("ffprobe of the HLS playlist: %q; want h264 and aac", out)
		}
		if out := s.output(t, "curl"); !strings.Contains(out, "<MPD") || !strings.Contains(out, "dash-v-$Number$.m4s") {
			t.Errorf("the DASH manifest:\n%s", out)
		}
	},
	"Record": func(t *testing.T, s *readmeScenario) {
		if p := testpeer.FFprobe(t, filepath.Join(s.dir, "show.mp4")); p.Duration() < 9 || p.Duration() > 11 {
			t.Errorf("show.mp4: %.2f s; want the 10 s published", p.Duration())
		}
		s.stop(t) // Ctrl-C the server: its recordings end
		for _, name := range []string{"live-cam1-*.mp4", "live-show-*.mp4"} {
			files, _ := filepath.Glob(filepath.Join(s.home, "Videos", "onair", name))
			if len(files) != 1 {
				t.Errorf("~/Videos/onair/%s: %v; want one recording", name, files)
				continue
			}
			if p := testpeer.FFprobe(t, files[0]); p.Duration() < 9 {
				t.Errorf("%s: %.2f s; want about 10 s", files[0], p.Duration())
			}
		}
	},
}
