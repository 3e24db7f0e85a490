//go:build interop

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// viewerResult is what one simulated viewer got.
type viewerResult struct {
	media    time.Duration // duration of the media it fetched
	requests int
	err      error
}

// benchGet fetches url and returns its body (bounded to 32 MiB).
func benchGet(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return b, err
}

// llHLSViewer follows one LL-HLS media playlist as a player does: a
// blocking reload for the next part, then every new part, until ctx ends.
func llHLSViewer(ctx context.Context, c *http.Client, base, media string) viewerResult {
	var r viewerResult
	seen := map[string]bool{}
	q := ""
	first := true
	for ctx.Err() == nil {
		b, err := benchGet(ctx, c, base+media+q)
		r.requests++
		if err != nil {
			if ctx.Err() == nil {
				r.err = err
			}
			return r
		}
		var pl playlist.Media
		if err := pl.Unmarshal(b); err != nil {
			r.err = err
			return r
		}
		var parts []*playlist.MediaPart
		for _, s := range pl.Segments {
			parts = append(parts, s.Parts...)
		}
		parts = append(parts, pl.Parts...)
		if first && len(parts) > 0 {
			parts = parts[len(parts)-1:] // a player starts at the live edge
			first = false
		}
		now := map[string]bool{}
		for _, p := range parts {
			now[p.URI] = true
			if seen[p.URI] {
				continue
			}
			if _, err := benchGet(ctx, c, base+p.URI); err != nil {
				if ctx.Err() == nil {
					r.err = err
				}
				return r
			}
			r.requests++
			r.media += p.Duration
		}
		seen = now
		msn, part := pl.MediaSequence+len(pl.Segments), len(pl.Parts)
		q = "?_HLS_msn=" + strconv.Itoa(msn) + "&_HLS_part=" + strconv.Itoa(part)
	}
	return r
}

// classicHLSViewer polls a classic HLS playlist once a second and fetches
// every new segment, as hls.js does with nginx-rtmp's playlists.
func classicHLSViewer(ctx context.Context, c *http.Client, playlistURL string) viewerResult {
	var r viewerResult
	base := playlistURL[:strings.LastIndexByte(playlistURL, '/')+1]
	seen := map[string]bool{}
	first := true
	for ctx.Err() == nil {
		b, err := benchGet(ctx, c, playlistURL)
		r.requests++
		if err != nil {
			if ctx.Err() == nil {
				r.err = err
			}
			return r
		}
		var pl playlist.Media
		if err := pl.Unmarshal(b); err != nil {
			r.err = err
			return r
		}
		segs := pl.Segments
		if first && len(segs) > 0 {
			segs = segs[len(segs)-1:]
			first = false
		}
		for _, s := range segs {
			if seen[s.URI] {
				continue
			}
			seen[s.URI] = true
			if _, err := benchGet(ctx, c, base+s.URI); err != nil {
				if ctx.Err() == nil {
					r.err = err
				}
				return r
			}
			r.requests++
			r.media += s.Duration
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return r
}

// BenchmarkInteropWebLoad loads our LL-HLS and, in the same run, nginx-rtmp's
// HLS with the same stream (a 720p30 camera clip, 2.5 Mb/s, pushed once to
// both with ffmpeg -c copy) and 100 simulated viewers each (ours: the
// video and the audio playlist, blocking reload and every part, as hls.js
// does; nginx: a playlist poll a second and every segment). It reports the
// server's CPU per viewer and its RSS, and fails when a viewer did not keep
// up (fetched less media than the time that passed, less 3 s).
func BenchmarkInteropWebLoad(b *testing.B) {
	viewers := 100
	if v, err := strconv.Atoi(os.Getenv("ONAIR_BENCH_VIEWERS")); err == nil && v > 0 {
		viewers = v
	}
	span := 30 * time.Second
	if s := benchSeconds(); s < 30 {
		span = time.Duration(s) * time.Second
	}
	for i := 0; i < b.N; i++ {
		r := startWebBenchRig(b, "load")
		clip := cameraClip720(b)
		pub := startBG(b, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1",
			"-i", clip, "-c", "copy", "-f", "tee", "-map", "0",
			fmt.Sprintf("[f=flv:onfail=ignore]%s/live/load|[f=flv:onfail=ignore]%s", r.rtmp, r.nginx.URL("load")))
		waitLive(b, r.rtmp+"/live/load")
		r.waitNginxHLS(b)
		ours := func() []int { return []int{r.ours.cmd.Process.Pid} }
		nginx := func() []int { return testpeer.ProcTree(r.nginx.PID()) }
		base := r.http + "/live/load/"
		index, err := benchGet(context.Background(), http.DefaultClient, base+"index.m3u8")
		if err != nil {
			b.Fatal(err)
		}
		var medias []string
		for _, l := range strings.Split(string(index), "\n") {
			if strings.HasPrefix(l, "video") {
				medias = append(medias, l)
			}
			if _, u, ok := strings.Cut(l, `URI="`); ok {
				medias = append(medias, strings.TrimSuffix(u, `"`))
			}
		}
		for _, srv := range []struct {
			name string
			pids func() []int
			run  func(ctx context.Context, c *http.Client) []viewerResult
		}{
			{"onair LL-HLS", ours, func(ctx context.Context, c *http.Client) []viewerResult {
				var out []viewerResult
				var mu sync.Mutex
				var wg sync.WaitGroup
				for _, m := range medias {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res := llHLSViewer(ctx, c, base, m)
						mu.Lock()
						out = append(out, res)
						mu.Unlock()
					}()
				}
				wg.Wait()
				return out
			}},
			{"nginx-rtmp HLS", nginx, func(ctx context.Context, c *http.Client) []viewerResult {
				return []viewerResult{classicHLSViewer(ctx, c, r.nginxPl)}
			}},
		} {
			pids := srv.pids()
			cpu0, rss0 := testpeer.CPUTime(pids), testpeer.RSS(pids)
			ctx, cancel := context.WithTimeout(context.Background(), span)
			start := time.Now()
			results := make([][]viewerResult, viewers)
			var wg sync.WaitGroup
			for v := 0; v < viewers; v++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
					defer c.CloseIdleConnections()
					results[v] = srv.run(ctx, c)
				}()
				time.Sleep(10 * time.Millisecond) // viewers arrive over a second
			}
			wg.Wait()
			cancel()
			wall := time.Since(start)
			cpu := testpeer.CPUTime(srv.pids()) - cpu0
			rss := testpeer.RSS(srv.pids())
			kept, requests := 0, 0
			var worst time.Duration = 1 << 62
			for v, rs := range results {
				ok := true
				for _, res := range rs {
					requests += res.requests
					if res.err != nil {
						ok = false
						b.Errorf("%s viewer %d: %v", srv.name, v, res.err)
					}
					// Every viewer but the last joined at most 1 s late.
					if res.media < span-3*time.Second {
						ok = false
					}
					worst = min(worst, res.media)
				}
				if ok {
					kept++
				}
			}
			perViewer := cpu.Seconds() / wall.Seconds() / float64(viewers) * 100
			fmt.Printf("%-15s %d viewers for %s: %d kept up (the slowest fetched %.1f s of media), %d requests, server CPU %.1f%% of a core (%.3f%% per viewer), RSS %d MB (%+d MB under load)\n",
				srv.name, viewers, span, kept, worst.Seconds(), requests, cpu.Seconds()/wall.Seconds()*100, perViewer, rss>>20, (rss-rss0)>>20)
			tag := strings.ReplaceAll(srv.name, " ", "-")
			b.ReportMetric(perViewer, tag+"-cpu%/viewer")
			b.ReportMetric(float64(rss>>20), tag+"-RSS-MB")
			b.ReportMetric(float64(kept), tag+"-kept-up")
			if kept != viewers {
				b.Errorf("%s: %d of %d viewers kept up", srv.name, kept, viewers)
			}
		}
		pub.cmd.Process.Kill()
	}
}
