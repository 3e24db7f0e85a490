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

// cameraClip720 is 10 s of 720p30 as an IP camera sends it: pushing it
// with -c copy leaves the measured process the only one decoding.
func cameraClip720(t testing.TB) string {
	return testpeer.EncodeClip(t, testpeer.Clip{Size: "1280x720", Seconds: 10, VideoBitrate: "2500k"})
}

// pushLoop pushes clip to url in real time, looped, without re-encoding.
func pushLoop(t testing.TB, clip, url string) *bgCommand {
	t.Helper()
	return startBG(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1",
		"-i", clip, "-c", "copy", "-f", "flv", url)
}

// stallStats is the hook's /stalls answer.
type stallStats struct {
	Count   int     `json:"count"`
	Freezes int     `json:"freezes"`
	MaxMS   float64 `json:"max_ms"`
	Samples int     `json:"samples"`
	Recent  []struct {
		AtMS   float64 `json:"at_ms"`
		LateMS float64 `json:"late_ms"`
	} `json:"recent"`
	ApplyMaxMS float64 `json:"apply_max_ms"`
	TickMaxMS  float64 `json:"tick_max_ms"`
	OwnStalls  int     `json:"own_stalls"`
}

// sinceMS is the watchdog time of the latest stall in s (0 when none).
func (s stallStats) sinceMS() float64 {
	if len(s.Recent) == 0 {
		return 0
	}
	return s.Recent[len(s.Recent)-1].AtMS
}

// frameCounts is the hook's /frames answer.
type frameCounts struct {
	Preview uint64            `json:"preview"`
	Tiles   map[string]uint64 `json:"tiles"`
}

// guiWithTiles starts the window live to nginx-rtmp at the default 720p30
// with n cameras pushing into its local server, shows the server tab and
// waits for every tile. It returns the local server's port.
func guiWithTiles(t testing.TB, n int) (*guiApp, int) {
	t.Helper()
	x := startXvfb(t)
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{})
	port := testpeer.FreePortPair(t)
	profile := t.TempDir()
	writeProfile(t, profile, func(st *app.Settings) {
		st.Server.On, st.Server.Port = true, port
		st.Destinations = []dest.Destination{
			{ID: "nginx", Name: "nginx-rtmp", Service: "custom", Server: "rtmp://" + ng.Addr() + "/live", Key: "load-key", Enabled: true},
		}
	})
	g := startGUI(t, x, profile)
	g.tap(t, "golive")
	clip := cameraClip720(t)
	for i := range n {
		pushLoop(t, clip, fmt.Sprintf("rtmp://127.0.0.1:%d/live/cam%d", port, i+1))
	}
	g.tap(t, "tab:server")
	for i := range n {
		g.waitGeometry(t, fmt.Sprintf("tile:live/cam%d", i+1), 15*time.Second)
	}
	return g, port
}

// TestInteropGUIStalls is acceptance 4 of the studio-window issue: during
// a 60 s live run with 2 incoming tiles it counts the watchdog probes that
// ran more than 50 ms late, and reports them. It fails when the window's
// own work (a snapshot apply or a frame tick) ran over 50 ms, not counting
// the time the kernel kept the UI thread waiting for a CPU, or when the UI
// hung for a second or more. Late probes that are not our work come from
// painting: under Xvfb, Mesa's software rasterizer runs inside
// glfwSwapBuffers on the UI thread, on the same 2 cores as the encoder and
// the decoders (see the issue note for the trace). Freezes of 250 ms or
// more are counted and reported; on this kind of machine they depend on
// what else the host runs, so they do not fail the test.
func TestInteropGUIStalls(t *testing.T) {
	var summary string
	t.Cleanup(func() { // registered first, so it prints after the window's log
		if t.Failed() && summary != "" {
			t.Log("again, after the log: " + summary)
		}
	})
	g, _ := guiWithTiles(t, 2)
	time.Sleep(2 * time.Second) // the tiles' first keyframes
	var before, after stallStats
	g.getJSON(t, "/stalls", &before)
	time.Sleep(60 * time.Second)
	g.getJSON(t, "/stalls", &after)
	stalls := after.Count - before.Count
	probes := after.Samples - before.Samples
	own := after.OwnStalls - before.OwnStalls
	freezes := after.Freezes - before.Freezes
	worst := 0.0
	for _, s := range after.Recent {
		if s.AtMS > before.sinceMS() {
			worst = max(worst, s.LateMS)
		}
	}
	if after.MaxMS > before.MaxMS {
		worst = max(worst, after.MaxMS)
	}
	summary = fmt.Sprintf("UI stalls over 50 ms in a 60 s live run with 2 tiles: %d of %d probes, %d of them 250 ms or more; "+
		"worst %.0f ms; our own work over 50 ms: %d (longest apply %.1f ms, tick %.1f ms since start, scheduler waits excluded)",
		stalls, probes, freezes, worst, own, after.ApplyMaxMS, after.TickMaxMS)
	t.Log(summary)
	// A probe every 20 ms is about 3000 in 60 s; how many run depends on how
	// busy the machine is, so only a watchdog that stopped fails here (the
	// hang check below catches a UI that stopped).
	if probes < 60 {
		t.Errorf("only %d watchdog probes ran in 60 s; want at least one a second", probes)
	}
	if own > 0 {
		t.Errorf("the window's own work ran over 50 ms %d times during the run; want none", own)
	}
	if worst >= 1000 {
		t.Errorf("the UI hung for %.0f ms; want under a second", worst)
	}
}

// BenchmarkInteropGUIStartup reports the time from exec to the window shown
// and to the first preview frame (median of 3 starts).
func BenchmarkInteropGUIStartup(b *testing.B) {
	x := startXvfb(b)
	var shown, preview []float64
	for range 3 {
		profile := b.TempDir()
		writeProfile(b, profile, func(st *app.Settings) { st.Server.Port = testpeer.FreePortPair(b) })
		t0 := time.Now()
		g := startGUI(b, x, profile)
		var st struct {
			ShownUnixMS        float64 `json:"shown_unix_ms"`
			FirstPreviewUnixMS float64 `json:"first_preview_unix_ms"`
		}
		g.getJSON(b, "/ready", &st)
		at := float64(t0.UnixMicro()) / 1000
		shown = append(shown, st.ShownUnixMS-at)
		preview = append(preview, st.FirstPreviewUnixMS-at)
		g.cmd.Process.Kill()
		g.cmd.Wait()
	}
	b.ReportMetric(median(shown), "ms-to-window")
	b.ReportMetric(median(preview), "ms-to-first-preview")
	b.Logf("exec to window shown: %.0f ms; to first preview frame: %.0f ms (3 starts: %v / %v)", median(shown), median(preview), shown, preview)
}

// BenchmarkInteropGUILoad reports the preview fps while live at 720p30,
// each tile's fps with 4 cameras pushing into the local server, and the
// process CPU (fraction of one core) before and after the 4 tiles: the
// difference is what the 4 tiles cost (decode, scale, draw).
func BenchmarkInteropGUILoad(b *testing.B) {
	secs := min(benchSeconds(), 20)
	g, port := guiWithTiles(b, 0)
	measure := func() (cores float64, fc, fc2 frameCounts, d time.Duration) {
		pids := testpeer.ProcTree(g.cmd.Process.Pid)
		g.getJSON(b, "/frames", &fc)
		c0, t0 := testpeer.CPUTime(pids), time.Now()
		time.Sleep(time.Duration(secs) * time.Second)
		c1, d := testpeer.CPUTime(pids), time.Since(t0)
		g.getJSON(b, "/frames", &fc2)
		return (c1 - c0).Seconds() / d.Seconds(), fc, fc2, d
	}
	idle, f0, f1, d := measure()
	previewFPS := float64(f1.Preview-f0.Preview) / d.Seconds()

	clip := cameraClip720(b)
	for i := range 4 {
		pushLoop(b, clip, fmt.Sprintf("rtmp://127.0.0.1:%d/live/cam%d", port, i+1))
	}
	for i := range 4 {
		g.waitGeometry(b, fmt.Sprintf("tile:live/cam%d", i+1), 15*time.Second)
	}
	time.Sleep(2 * time.Second)
	loaded, t0, t1, d := measure()
	minTile := -1.0
	for name, n := range t1.Tiles {
		fps := float64(n-t0.Tiles[name]) / d.Seconds()
		b.Logf("tile %s: %.1f fps", name, fps)
		if minTile < 0 || fps < minTile {
			minTile = fps
		}
	}
	loadedPreview := float64(t1.Preview-t0.Preview) / d.Seconds()
	b.ReportMetric(previewFPS, "preview-fps")
	b.ReportMetric(loadedPreview, "preview-fps-4tiles")
	b.ReportMetric(minTile, "min-tile-fps")
	b.ReportMetric(idle, "cores-live")
	b.ReportMetric(loaded-idle, "cores-4tiles")
	b.Logf("live 720p30: preview %.1f fps, %.2f cores; with 4 tiles: preview %.1f fps, slowest tile %.1f fps, %.2f cores (4 tiles cost %.2f)",
		previewFPS, idle, loadedPreview, minTile, loaded, loaded-idle)
}
