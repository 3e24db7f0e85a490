//go:build interop

package main

import (
	"context"
	"encoding/json"
	"os/exec"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/bench"
)

// benchPlay runs `onair bench play` and returns its JSON report.
func benchPlay(t testing.TB, url string, players int, dur time.Duration) bench.LoadReport {
	rep, _ := benchPlayCPU(t, url, players, dur)
	return rep
}

// benchPlayCPU is benchPlay that also returns the CPU time the load
// generator itself used: on a shared machine, what it takes the server
// under test cannot have.
func benchPlayCPU(t testing.TB, url string, players int, dur time.Duration) (bench.LoadReport, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dur+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, onairBin, "bench", "play", "--url", url, "--players", itoa(players),
		"--duration", dur.String(), "--json")
	out, err := cmd.Output()
	var rep bench.LoadReport
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("onair bench play: %v %v\n%s", err, jerr, out)
	}
	return rep, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestInteropServeFanOut is acceptance 3: 50 players of a 4.5 Mb/s stream
// on loopback each receive at least 99% of the frames over 30 s.
func TestInteropServeFanOut(t *testing.T) {
	srv := startServe(t) // loopback players count toward --max-conns only
	url := srv.url("fan")
	pub := startBG(t, onairBin, "bench", "publish", "--url", url, "--duration", "45s")
	waitLive(t, url)
	rep := benchPlay(t, url, 50, 30*time.Second)
	for _, p := range rep.Players {
		if p.Fraction < 0.99 || p.Error != "" {
			t.Errorf("player %d: %d of %d frames (%.1f%%) %s", p.Index, p.VideoFrames, p.Expected, p.Fraction*100, p.Error)
		}
	}
	if len(rep.Players) != 50 {
		t.Fatalf("%d players reported", len(rep.Players))
	}
	mbps := float64(rep.Bytes) * 8 / 30 / 1e6 / 50
	t.Logf("50 players: %d sustained, lowest %.1f%%, %.2f Mb/s each, latency p50 %s p99 %s, first frame p50 %s max %s",
		rep.Sustained, rep.MinFraction*100, mbps, rep.LatencyP50, rep.LatencyP99, rep.FirstFrameP50, rep.FirstFrameMax)
	if mbps < 4.4 {
		t.Errorf("each player got %.2f Mb/s, want a 4.5 Mb/s stream", mbps)
	}
	pub.cmd.Process.Kill()
}
