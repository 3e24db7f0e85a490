//go:build interop

package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// BenchmarkInteropGUIIdleVsLive measures the window at 720p30 on the test
// pattern, under Xvfb: its CPU (fraction of one core) idle, with the
// encoders paused because nothing takes the program, and live to one
// destination (an onair serve), and the time from the Go Live tap to the
// first video frame at that destination. One window goes idle and live in
// turn, $ONAIR_BENCH_ROUNDS times (default 3), and the figures are medians:
// on this project's 2-core VMs one measurement of either moved by ±0.1 of
// a core from run to run. RSS is the first idle phase's (before any
// encoder ran) and the last live phase's. Issue 13's targets: idle CPU at
// most half of live, idle RSS at most 200 MB, first frame within 1 s.
func BenchmarkInteropGUIIdleVsLive(b *testing.B) {
	secs := min(benchSeconds(), 20)
	rounds := serverBenchRounds()
	x := startXvfb(b)
	destAddr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(b))
	destHTTP := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(b))
	startBG(b, onairBin, "serve", "--listen", destAddr, "--http", destHTTP, "--log-level", "warn")
	if err := testpeer.WaitListening(destAddr, 10*time.Second, nil); err != nil {
		b.Fatal(err)
	}
	profile := b.TempDir()
	writeProfile(b, profile, func(st *app.Settings) {
		st.Server.On, st.Server.Port = true, testpeer.FreePortPair(b)
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
	var idle, live, ratio, first []float64
	var idleRSS, liveRSS float64
	time.Sleep(3 * time.Second) // past start-up
	for r := range rounds {
		if r > 0 {
			g.tap(b, "stop")
			waitStreamGone(b, destHTTP, "live/idle-bench", 10*time.Second)
			time.Sleep(3 * time.Second) // the encoders pause once nothing takes the program
		}
		cores, rss := measure()
		if r == 0 {
			idleRSS = rss
		}
		tapped := time.Now()
		g.tap(b, "golive")
		ff := waitFirstFrame(b, destHTTP, "live/idle-bench", tapped, 20*time.Second)
		time.Sleep(3 * time.Second)
		liveCores, rss := measure()
		liveRSS = rss
		idle, live, ratio = append(idle, cores), append(live, liveCores), append(ratio, cores/liveCores)
		first = append(first, float64(ff.Milliseconds()))
		b.Logf("round %d: idle %.2f cores, live %.2f cores (idle/live %.2f), Go Live to the first frame %d ms",
			r+1, cores, liveCores, cores/liveCores, ff.Milliseconds())
	}
	g.tap(b, "stop")

	b.ReportMetric(median(idle), "cores-idle")
	b.ReportMetric(median(live), "cores-live")
	b.ReportMetric(median(ratio), "idle/live-cpu")
	b.ReportMetric(idleRSS, "MB-idle")
	b.ReportMetric(liveRSS, "MB-live")
	b.ReportMetric(median(first), "ms-golive-to-first-frame")
	b.Logf("720p30 test pattern, medians of %d rounds: idle %.2f cores, %.0f MB; live %.2f cores, %.0f MB (idle/live CPU %.2f); Go Live to the first frame at the destination: %.0f ms",
		rounds, median(idle), idleRSS, median(live), liveRSS, median(ratio), median(first))
}

// waitFirstFrame waits for the first video frame of a stream at an onair
// serve and returns the time from since to that frame; it fails the
// benchmark when none came within that long of since.
func waitFirstFrame(b *testing.B, httpAddr, name string, since time.Time, within time.Duration) time.Duration {
	b.Helper()
	for deadline := since.Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if videoFrames(b, httpAddr, name) > 0 {
			return time.Since(since)
		}
	}
	b.Fatalf("no video frame reached the destination within %s of Go Live", within)
	return 0
}

// waitStreamGone waits until an onair serve no longer has the stream (the
// window stopped sending it); it fails the benchmark after within.
func waitStreamGone(b *testing.B, httpAddr, name string, within time.Duration) {
	b.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if videoFrames(b, httpAddr, name) == 0 {
			return
		}
	}
	b.Fatalf("%s was still at the destination %s after Stop", name, within)
}

// videoFrames is how many video frames an onair serve's stream has had
// (its /api/streams), 0 when it is not there.
func videoFrames(tb testing.TB, httpAddr, name string) uint64 {
	st, _ := serveStream(tb, httpAddr, name)
	return st.VideoFrames
}
