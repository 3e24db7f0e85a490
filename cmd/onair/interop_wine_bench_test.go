//go:build interop && wine

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// BenchmarkWinePublishCPU publishes the 720p30 test pattern with x264
// veryfast to nginx-rtmp for 60 s ($ONAIR_BENCH_SECONDS), first from the
// Linux binary, then from onair.exe under Wine, in the same run, and
// reports the CPU each used in fractions of one core. Under Wine that is
// the exe's own process (Wine's loader runs it in the process that `wine`
// started) plus what the prefix's other processes (wineserver,
// winedevice.exe…) spent meanwhile.
func BenchmarkWinePublishCPU(b *testing.B) {
	wineSetup(b)
	ng := testpeer.StartNginx(b, testpeer.NginxOptions{})
	secs := benchSeconds()
	dur := time.Duration(secs) * time.Second
	args := func(name string) []string {
		return []string{"publish", "--video", "test", "--audio", "test", "--size", "1280x720", "--fps", "30",
			"--video-bitrate", "4500k", "--preset", "veryfast", "--keyint", "2s",
			"--to", ng.URL(name), "--duration", dur.String()}
	}
	for i := 0; i < b.N; i++ {
		linux := runMeasured(b, onairBin, args("linux")...)
		before := winePrefixCPU()
		win := runMeasuredWine(b, dur+time.Minute, args("wine")...)
		var helpers time.Duration
		for pid, cpu := range winePrefixCPU() {
			helpers += cpu - before[pid]
		}
		for name, u := range map[string]procUsage{"linux": linux, "wine": win} {
			m := endedRe.FindStringSubmatch(u.stderr)
			if m == nil {
				b.Fatalf("%s: no 'broadcast ended' line in onair's log:\n%s", name, u.stderr)
			}
			fmt.Fprintf(os.Stderr, "%s: %s frames, %s dropped, %s missed\n", name, m[1], m[2], m[3])
		}
		linuxCores := linux.cpu.Seconds() / dur.Seconds()
		wineCores := (win.cpu + helpers).Seconds() / dur.Seconds()
		b.ReportMetric(linuxCores, "linux-cores")
		b.ReportMetric(wineCores, "wine-cores")
		b.ReportMetric(helpers.Seconds()/dur.Seconds(), "wine-helper-cores")
		b.ReportMetric(wineCores/linuxCores, "cpu-ratio")
		fmt.Fprintf(os.Stderr, "720p30 veryfast publish for %ds: Linux binary %.1f%% of a core (RSS %.0f MB); onair.exe under Wine %.1f%% (of which Wine's own processes %.1f%%; RSS %.0f MB); ratio %.2f\n",
			secs, linuxCores*100, float64(linux.maxRSS)/(1<<20), wineCores*100, helpers.Seconds()/dur.Seconds()*100,
			float64(win.maxRSS)/(1<<20), wineCores/linuxCores)
	}
}

// runMeasuredWine is runMeasured for onair.exe under Wine, with its output
// in files (a Wine helper may outlive it holding a pipe).
func runMeasuredWine(b *testing.B, timeout time.Duration, args ...string) procUsage {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := wineCommand(ctx, winExe(b, winCLIExe), args...)
	path := filepath.Join(b.TempDir(), "stderr")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	cmd.Stderr = f
	err = cmd.Run()
	stderr, _ := os.ReadFile(path)
	if err != nil {
		b.Fatalf("wine onair.exe: %v\n%s", err, stderr)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return procUsage{cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), maxRSS: ru.Maxrss * 1024, stderr: string(stderr)}
}

// winePrefixCPU is the CPU time so far of each process of the run's Wine
// prefix (its environment names the prefix), by pid.
func winePrefixCPU() map[int]time.Duration {
	want := []byte("WINEPREFIX=" + wine.dir + "\x00")
	cpu := map[int]time.Duration{}
	envs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, e := range envs {
		env, err := os.ReadFile(e)
		if err != nil || !bytes.Contains(append([]byte{0}, env...), append([]byte{0}, want...)) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(e))); err == nil {
			cpu[pid] = testpeer.CPUTime([]int{pid})
		}
	}
	return cpu
}
