//go:build soak

package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// soakDuration is $ONAIR_SOAK (a Go duration), 1 h by default.
func soakDuration(t *testing.T) time.Duration {
	if v := os.Getenv("ONAIR_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("ONAIR_SOAK=%q: %v", v, err)
		}
		return d
	}
	return time.Hour
}

// rssBytes is this process's resident set, from /proc.
func rssBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// soakPush pushes a pre-encoded camera clip, looped, into url with -c copy.
func soakPush(t *testing.T, clip, url string) {
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1",
		"-i", clip, "-c", "copy", "-f", "flv", url)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
}

// TestSoak is the issue-5 soak: the studio live to 3 destinations (two
// nginx-rtmp and one of our servers), one nginx killed and restarted every
// 2 minutes, the program recorded, and 2 incoming streams decoded as tiles.
// It reports goroutines and RSS after a 1-minute warm-up and at the end.
// Run: make soak (ONAIR_SOAK=1h).
func TestSoak(t *testing.T) {
	dur := soakDuration(t)
	testpeer.Require(t, "ffmpeg")
	flap := testpeer.StartNginx(t, testpeer.NginxOptions{})
	steady := testpeer.StartNginx(t, testpeer.NginxOptions{})
	sinkAddr := "127.0.0.1:" + freePort(t)
	sink := startSink(t, sinkAddr)
	dir := t.TempDir()
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 10, VideoBitrate: "800k"})
	s := newTestStudio(t, dir, func(st *Settings) {
		st.Output = studioOutput() // 640x360: the soak measures leaks, not the encoder
		st.RecordDir = filepath.Join(dir, "recordings")
		st.Destinations = []dest.Destination{
			{ID: "flap", Name: "Flapping nginx", Service: "custom", Server: "rtmp://" + flap.Addr() + "/live", Key: "soak-a", Enabled: true},
			{ID: "steady", Name: "Steady nginx", Service: "custom", Server: "rtmp://" + steady.Addr() + "/live", Key: "soak-b", Enabled: true},
			{ID: "ours", Name: "Our server", Service: "custom", Server: "rtmp://" + sinkAddr + "/live", Key: "soak-c", Enabled: true},
		}
	})
	s.GoLive()
	waitFor(t, 20*time.Second, "3 destinations live", func() bool { return liveCount(s) == 3 })
	port := s.Snapshot().Server.Addr
	for _, n := range []string{"cam1", "cam2"} {
		soakPush(t, clip, "rtmp://"+port+"/live/"+n)
	}
	waitFor(t, 20*time.Second, "2 incoming streams", func() bool { return len(s.Snapshot().Server.Streams) >= 3 })
	for _, n := range []string{"live/cam1", "live/cam2"} {
		_, stop := s.WatchIncoming(n)
		defer stop()
	}
	s.StartRecording()
	waitFor(t, 5*time.Second, "recording on", func() bool { return s.Snapshot().Recording.On })

	time.Sleep(time.Minute) // warm-up
	runtime.GC()
	g0, rss0 := runtime.NumGoroutine(), rssBytes(t)
	t.Logf("start: %d goroutines, RSS %.1f MiB", g0, float64(rss0)/(1<<20))

	end := time.Now().Add(dur)
	flaps := 0
	for time.Now().Before(end) {
		time.Sleep(min(2*time.Minute, time.Until(end)))
		if time.Until(end) < 30*time.Second {
			break
		}
		flap.Kill()
		time.Sleep(5 * time.Second)
		flap.Restart()
		flaps++
		v0, _ := sinkFrames(sink, "live/soak-c")
		time.Sleep(time.Second)
		if v1, _ := sinkFrames(sink, "live/soak-c"); v1 <= v0 {
			t.Errorf("flap %d: our server stopped receiving video while nginx was down", flaps)
		}
		t.Logf("flap %d: %d goroutines, RSS %.1f MiB, live %d/3", flaps, runtime.NumGoroutine(), float64(rssBytes(t))/(1<<20), liveCount(s))
	}
	waitFor(t, 40*time.Second, "3 destinations live at the end", func() bool { return liveCount(s) == 3 })
	runtime.GC()
	g1, rss1 := runtime.NumGoroutine(), rssBytes(t)
	drift := float64(rss1-rss0) / float64(rss0) * 100
	t.Logf("end after %s and %d flaps: %d goroutines (%+d), RSS %.1f MiB (%+.1f%%)", dur, flaps, g1, g1-g0, float64(rss1)/(1<<20), drift)
	rs := s.Snapshot().Recording
	t.Logf("recording: on %v, %s recorded, %d bytes, %d dropped, error %q", rs.On, rs.Duration, rs.Bytes, rs.Dropped, rs.Error)
	if !rs.On || rs.Duration < dur {
		t.Errorf("the recording did not last the soak: %+v", rs)
	}
	for _, d := range s.Snapshot().Destinations {
		t.Logf("  %s: %s, %d reconnects, %d bytes, %d dropped, last error %q", d.Name, d.State, d.Reconnects, d.BytesSent, d.Dropped, d.LastError)
	}
	if g1 > g0+5 {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
	if drift > 10 {
		t.Errorf("RSS drifted %+.1f%% (%d → %d bytes); want under 10%%", drift, rss0, rss1)
	}
}

func liveCount(s *Studio) int {
	n := 0
	for _, d := range s.Snapshot().Destinations {
		if d.State == dest.StateLive {
			n++
		}
	}
	return n
}
