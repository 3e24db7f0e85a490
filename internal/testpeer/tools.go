package testpeer

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// installHints maps a tool to the Debian package that provides it.
var installHints = map[string]string{
	"ffmpeg":         "ffmpeg",
	"ffprobe":        "ffmpeg",
	"ffplay":         "ffmpeg",
	"curl":           "curl",
	"patchelf":       "patchelf",
	"xprop":          "x11-utils",
	"nginx":          "nginx libnginx-mod-rtmp libnginx-mod-stream",
	"openssl":        "openssl",
	"gst-launch-1.0": "gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav",
	"rtmpdump":       "rtmpdump",
	"Xvfb":           "xvfb",
	"xdotool":        "xdotool",
	"import":         "imagemagick",
	"chromium":       "chromium",
	"wine":           "wine wine64",
	"wineboot":       "wine wine64",
	"wineserver":     "wine wine64",

	"x86_64-w64-mingw32-objdump": "binutils-mingw-w64-x86-64",
	"x86_64-w64-mingw32-g++":     "g++-mingw-w64-x86-64",
}

// Require returns the path of tool, or fails the test saying how to install it.
func Require(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		pkg := installHints[tool]
		if pkg == "" {
			pkg = tool
		}
		t.Fatalf("%s is not installed: run `make deps` or `apt-get install %s`", tool, pkg)
	}
	return p
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// FreePortPair returns a free port on 127.0.0.1 whose next port is free
// too: the studio's local server takes its RTMP port and the one after it
// (the web side), and a port picked alone collided with an ephemeral port
// there in a loaded run. It fails the test after 50 tries.
func FreePortPair(t testing.TB) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("finding a free port: %v", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		next, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port+1))
		l.Close()
		if err == nil {
			next.Close()
			return port
		}
	}
	t.Fatal("found no two free ports in a row on 127.0.0.1 in 50 tries")
	return 0
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// WaitListening waits until addr takes TCP connections, for at most
// timeout. stop, when not nil, is asked before each attempt: an error from
// it (the process that should listen has ended) ends the wait with it.
func WaitListening(addr string, timeout time.Duration, stop func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		if stop != nil {
			if err := stop(); err != nil {
				return err
			}
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on %s after %v: %w", addr, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
