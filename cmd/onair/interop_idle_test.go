//go:build interop

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// BenchmarkInteropGUIIdleVsLive measures the window at 720p30 on the test
// pattern, under Xvfb, in one run: its CPU (fraction of one core) and RSS
// idle, with the encoders paused because nothing takes the program, then
// live to one destination (an onair serve), and the time from the Go Live
// tap to the first video frame at that destination. Issue 13's targets:
// idle CPU at most half of live, idle RSS at most 200 MB, first frame
// within 1 s.
func BenchmarkInteropGUIIdleVsLive(b *testing.B) {
	secs := min(benchSeconds(), 20)
	x := startXvfb(b)
	destAddr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(b))
	destHTTP := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(b))
	startBG(b, onairBin, "serve", "--listen", destAddr, "--http", destHTTP, "--log-level", "warn")
	if err := testpeer.WaitListening(destAddr, 10*time.Second, nil); err != nil {
		b.Fatal(err)
	}
	profile := b.TempDir()
	writeProfile(b, profile, func(st *app.Settings) {
		st.Server.On, st.Server.Port = true, testpeer.FreePort(b)
		st.Destinations = []dest.Destination{
			{ID: "dest", Name: "onair serve", Service: "custom", Server: "rtmp://" + destAddr + "/live", Key: "idle-bench", Enabled: true},
		}
	})
	g := startGUI(b, x, profile)
	measure := func() (cores float64, rssMB float64) {
		pids := testpeer.ProcTree(g.cmd.Process.Pid)
		c0, t0 := testpeer.CPUTime(pids), time.Now()
		time.Sleep(time.Duration(secs) * time.Second)
		c1, d := testpeer.CPUTime(pids), time.Since(t0)
		return (c1 - c0).Seconds() / d.Seconds(), float64(testpeer.RSS(pids)) / (1 << 20)
	}
	time.Sleep(3 * time.Second) // past start-up
	idleCores, idleRSS := measure()

	tapped := time.Now()
	g.tap(b, "golive")
	var firstFrame time.Duration
	for deadline := tapped.Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if videoFrames(b, destHTTP, "live/idle-bench") > 0 {
			firstFrame = time.Since(tapped)
			break
		}
	}
	if firstFrame == 0 {
		b.Fatal("no video frame reached the destination within 20 s of Go Live")
	}
	time.Sleep(3 * time.Second)
	liveCores, liveRSS := measure()
	g.tap(b, "stop")

	b.ReportMetric(idleCores, "cores-idle")
	b.ReportMetric(liveCores, "cores-live")
	b.ReportMetric(idleCores/liveCores, "idle/live-cpu")
	b.ReportMetric(idleRSS, "MB-idle")
	b.ReportMetric(liveRSS, "MB-live")
	b.ReportMetric(float64(firstFrame.Milliseconds()), "ms-golive-to-first-frame")
	b.Logf("720p30 test pattern: idle %.2f cores, %.0f MB; live %.2f cores, %.0f MB (idle/live CPU %.2f); Go Live to the first frame at the destination: %d ms",
		idleCores, idleRSS, liveCores, liveRSS, idleCores/liveCores, firstFrame.Milliseconds())
}

// videoFrames is how many video frames an onair serve's stream has had
// (its /api/streams), 0 when it is not there.
func videoFrames(tb testing.TB, httpAddr, name string) uint64 {
	tb.Helper()
	r, err := http.Get("http://" + httpAddr + "/api/streams")
	if err != nil {
		return 0
	}
	defer r.Body.Close()
	var st struct {
		Streams []struct {
			Name        string `json:"name"`
			VideoFrames uint64 `json:"video_frames"`
		} `json:"streams"`
	}
	if err := json.NewDecoder(r.Body).Decode(&st); err != nil {
		return 0
	}
	for _, s := range st.Streams {
		if s.Name == name {
			return s.VideoFrames
		}
	}
	return 0
}
