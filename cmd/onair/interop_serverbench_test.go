//go:build interop

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// serverBenchSteps are the player counts each server is loaded with;
// $ONAIR_BENCH_PLAYERS (comma-separated) overrides them.
func serverBenchSteps() []int {
	if v := os.Getenv("ONAIR_BENCH_PLAYERS"); v != "" {
		var out []int
		for _, f := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
				out = append(out, n)
			}
		}
		return out
	}
	return []int{50, 100, 200, 300}
}

// serverUnderTest is a running RTMP server and the processes that are it.
type serverUnderTest struct {
	name string
	url  string
	pids func() []int
}

// BenchmarkInteropServerVsNginx loads `onair serve` and nginx-rtmp (one
// worker, chunk_size 4096) in the same run, with the same `onair bench
// publish` stream (720p30, about 4.7 Mb/s) and the same `onair bench play`
// load generator, and reports for each player count: players sustained
// (none under 99% of the media), server CPU per delivered Gb/s, p50/p99
// publish→player latency, RSS per player and time to the first frame.
func BenchmarkInteropServerVsNginx(b *testing.B) {
	play := 15 * time.Second
	if s := benchSeconds(); s < 60 {
		play = time.Duration(s) * time.Second
	}
	steps := serverBenchSteps()
	maxN := steps[len(steps)-1]
	for i := 0; i < b.N; i++ {
		ng := testpeer.StartNginx(b, testpeer.NginxOptions{})
		ourAddr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(b))
		ours := startBG(b, onairBin, "serve", "--listen", ourAddr, "--log-level", "warn",
			"--max-conns", strconv.Itoa(maxN+16))
		servers := []serverUnderTest{
			{"onair", "rtmp://" + ourAddr + "/live/bench", func() []int { return []int{ours.cmd.Process.Pid} }},
			{"nginx", ng.URL("bench"), func() []int { return testpeer.ProcTree(ng.PID()) }},
		}
		for _, srv := range servers {
			pub := startBG(b, onairBin, "bench", "publish", "--url", srv.url, "--duration", "0")
			waitLive(b, srv.url)
			maxSustained := 0
			for _, n := range steps {
				pids := srv.pids()
				rss0, cpu0 := testpeer.RSS(pids), testpeer.CPUTime(pids)
				start := time.Now()
				rep := benchPlay(b, srv.url, n, play)
				wall := time.Since(start)
				cpu := testpeer.CPUTime(srv.pids()) - cpu0
				rss := testpeer.RSS(srv.pids())
				gbps := float64(rep.Bytes) * 8 / play.Seconds() / 1e9
				cores := cpu.Seconds() / wall.Seconds()
				if rep.Sustained == n {
					maxSustained = n
				}
				fmt.Fprintf(os.Stderr, "%-5s %3d players: %3d sustained (lowest %5.1f%%), %.3f Gb/s delivered, server %.1f%% of a core = %.3f cores per Gb/s, latency p50 %s p99 %s, first frame p50 %s max %s, RSS %d MB (+%.0f KB per player)\n",
					srv.name, n, rep.Sustained, rep.MinFraction*100, gbps, cores*100, cores/gbps,
					rep.LatencyP50.Round(10*time.Microsecond), rep.LatencyP99.Round(10*time.Microsecond),
					rep.FirstFrameP50.Round(time.Millisecond), rep.FirstFrameMax.Round(time.Millisecond),
					rss>>20, float64(rss-rss0)/1024/float64(n))
				tag := fmt.Sprintf("%s-%d", srv.name, n)
				b.ReportMetric(float64(rep.Sustained), tag+"-sustained")
				b.ReportMetric(cores/gbps, tag+"-cores/Gbps")
				b.ReportMetric(float64(rep.LatencyP99.Microseconds())/1000, tag+"-p99-ms")
				b.ReportMetric(float64(rep.FirstFrameMax.Milliseconds()), tag+"-firstframe-max-ms")
			}
			b.ReportMetric(float64(maxSustained), srv.name+"-max-players")
			fmt.Fprintf(os.Stderr, "%s sustained at most %d players (of the steps %v)\n", srv.name, maxSustained, steps)
			pub.cmd.Process.Kill()
		}
	}
}
