//go:build interop

package main

import (
	"fmt"
	"os"
	"slices"
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

// serverBenchRounds is how many times each step is measured on each
// server ($ONAIR_BENCH_ROUNDS, default 3): the figures are medians.
func serverBenchRounds() int {
	if v, err := strconv.Atoi(os.Getenv("ONAIR_BENCH_ROUNDS")); err == nil && v > 0 {
		return v
	}
	return 3
}

// serverStep is one measurement of one server at one player count.
type serverStep struct {
	sustained     int
	coresPerGbps  float64
	p50, p99      time.Duration
	caughtUpP99   time.Duration // p99 of the frames after the join's catch-up (bench.CatchUp)
	firstFrameMax time.Duration
	rssPerPlayer  float64 // bytes over the server's RSS before any player
}

// measureStep loads srv with n players for play and reads its CPU and its
// RSS over rss0, what it held with its publisher and no player yet.
func measureStep(b *testing.B, srv serverUnderTest, rss0 int64, n int, play time.Duration) serverStep {
	cpu0 := testpeer.CPUTime(srv.pids())
	start := time.Now()
	rep, genCPU := benchPlayCPU(b, srv.url, n, play)
	wall := time.Since(start)
	cpu := testpeer.CPUTime(srv.pids()) - cpu0
	rss := testpeer.RSS(srv.pids())
	gbps := float64(rep.Bytes) * 8 / play.Seconds() / 1e9
	cores := cpu.Seconds() / wall.Seconds()
	fmt.Fprintf(os.Stderr, "%-5s %3d players: %3d sustained (lowest %5.1f%%), %.3f Gb/s delivered, server %.1f%% of a core = %.3f cores per Gb/s, latency p50 %s p99 %s (caught up: p99 %s), first frame p50 %s max %s, RSS %d MB (+%.0f KB per player); load generator %.1f%% of a core\n",
		srv.name, n, rep.Sustained, rep.MinFraction*100, gbps, cores*100, cores/gbps,
		rep.LatencyP50.Round(10*time.Microsecond), rep.LatencyP99.Round(10*time.Microsecond), rep.CaughtUpP99.Round(10*time.Microsecond),
		rep.FirstFrameP50.Round(time.Millisecond), rep.FirstFrameMax.Round(time.Millisecond),
		rss>>20, float64(rss-rss0)/1024/float64(n), genCPU.Seconds()/wall.Seconds()*100)
	return serverStep{sustained: rep.Sustained, coresPerGbps: cores / gbps, p50: rep.LatencyP50, p99: rep.LatencyP99, caughtUpP99: rep.CaughtUpP99,
		firstFrameMax: rep.FirstFrameMax, rssPerPlayer: float64(rss-rss0) / float64(n)}
}

// median returns the middle of xs (the mean of the two middle ones).
func median[T int | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// BenchmarkInteropServerVsNginx loads `onair serve` and nginx-rtmp (one
// worker, chunk_size 4096) in the same run, with the same `onair bench
// publish` stream (720p30, about 4.7 Mb/s) and the same `onair bench play`
// load generator, and reports for each player count: players sustained
// (none under 99% of the media), server CPU per delivered Gb/s, p50/p99
// publish→player latency (over every frame published after a player
// joined, and over those it got once caught up: bench.CatchUp after its
// first frame), RSS per player and time to the first frame.
// Both servers run side by side and each step is measured on one, then the
// other, for several rounds, so that drift in the machine's speed (two
// shared cores) falls on both; the figures are the rounds' medians.
func BenchmarkInteropServerVsNginx(b *testing.B) {
	play := 15 * time.Second
	if s := benchSeconds(); s < 60 {
		play = time.Duration(s) * time.Second
	}
	steps, rounds := serverBenchSteps(), serverBenchRounds()
	maxN := steps[len(steps)-1]
	for i := 0; i < b.N; i++ {
		ng := testpeer.StartNginx(b, testpeer.NginxOptions{})
		ourAddr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(b))
		// No web side: serve would take the port after ourAddr, which
		// FreePort does not check (twice the server never went live here,
		// probably from that; its output was not kept to prove it).
		ours := startBG(b, onairBin, "serve", "--listen", ourAddr, "--http", "off", "--log-level", "warn",
			"--max-conns", strconv.Itoa(maxN+16))
		servers := []serverUnderTest{
			{"onair", "rtmp://" + ourAddr + "/live/bench", func() []int { return []int{ours.cmd.Process.Pid} }},
			{"nginx", ng.URL("bench"), func() []int { return testpeer.ProcTree(ng.PID()) }},
		}
		base := map[string]int64{}
		for _, srv := range servers {
			pub := startBG(b, onairBin, "bench", "publish", "--url", srv.url, "--duration", "0")
			defer pub.cmd.Process.Kill()
			waitLive(b, srv.url)
			base[srv.name] = testpeer.RSS(srv.pids())
		}
		for _, n := range steps {
			got := map[string][]serverStep{}
			for range rounds {
				for _, srv := range servers {
					got[srv.name] = append(got[srv.name], measureStep(b, srv, base[srv.name], n, play))
				}
			}
			cpu := map[string]float64{}
			for _, srv := range servers {
				var sustained []int
				var cores, rss []float64
				var p50, p99, caughtUp, first []time.Duration
				for _, st := range got[srv.name] {
					sustained, cores, rss = append(sustained, st.sustained), append(cores, st.coresPerGbps), append(rss, st.rssPerPlayer)
					p50, p99, first = append(p50, st.p50), append(p99, st.p99), append(first, st.firstFrameMax)
					caughtUp = append(caughtUp, st.caughtUpP99)
				}
				cpu[srv.name] = median(cores)
				fmt.Fprintf(os.Stderr, "%-5s %3d players, median of %d rounds: %d sustained (fewest %d), %.3f cores per Gb/s, latency p50 %s p99 %s (caught up: p99 %s), first frame max %s, RSS +%.0f KB per player (the most of any round)\n",
					srv.name, n, rounds, median(sustained), slices.Min(sustained), median(cores),
					median(p50).Round(10*time.Microsecond), median(p99).Round(10*time.Microsecond), median(caughtUp).Round(10*time.Microsecond),
					median(first).Round(time.Millisecond), slices.Max(rss)/1024)
				tag := fmt.Sprintf("%s-%d", srv.name, n)
				b.ReportMetric(float64(slices.Min(sustained)), tag+"-sustained")
				b.ReportMetric(median(cores), tag+"-cores/Gbps")
				b.ReportMetric(float64(median(p99).Microseconds())/1000, tag+"-p99-ms")
				b.ReportMetric(float64(median(caughtUp).Microseconds())/1000, tag+"-caught-up-p99-ms")
				b.ReportMetric(slices.Max(rss)/1024, tag+"-KB/player")
			}
			fmt.Fprintf(os.Stderr, "%d players: onair uses %.2f× nginx-rtmp's CPU per delivered Gb/s\n", n, cpu["onair"]/cpu["nginx"])
			b.ReportMetric(cpu["onair"]/cpu["nginx"], fmt.Sprintf("cpu-ratio-%d", n))
		}
	}
}
