//go:build interop

package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropWeb is the acceptance of the "watch on any screen" issue: the
// program (onair publish of the test pattern) and a camera push (ffmpeg
// -c copy of an H.264 High + AAC clip) are read back as LL-HLS and as DASH
// by ffprobe and ffmpeg; headless Chromium opens the monitor page, lists
// both and plays the program through hls.js and then dash.js; on a phone's
// screen the page fits; when the program ends its playlists end.
func TestInteropWeb(t *testing.T) {
	srv := startWebServe(t)
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 10, VideoBitrate: "1000k"})
	program := startBG(t, onairBin, "publish", "--video", "test", "--audio", "test", "--size", "640x360",
		"--video-bitrate", "1000k", "--to", srv.url("program"), "--duration", "10m")
	pushLoop(t, clip, srv.url("cam1"))
	waitLive(t, srv.url("program"))
	waitLive(t, srv.url("cam1"))

	t.Run("ffmpeg", func(t *testing.T) {
		var wg sync.WaitGroup
		for _, name := range []string{"program", "cam1"} {
			for _, file := range []string{"index.m3u8", "manifest.mpd"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					readWithFFmpeg(t, srv.http+"/live/"+name+"/"+file)
				}()
			}
		}
		wg.Wait()
	})

	t.Run("browser", func(t *testing.T) {
		b := testpeer.StartChromium(t, 1280, 800)
		if err := b.Navigate(srv.http + "/"); err != nil {
			t.Fatal(err)
		}
		if err := b.WaitFor("document.body.dataset.streams === '2'", 15*time.Second); err != nil {
			t.Fatalf("the page does not list 2 live streams: %v; %v", err, b.Errors())
		}
		var names []string
		if err := b.Eval("[...document.querySelectorAll('#streams li .name')].map(e => e.textContent)", &names); err != nil {
			t.Fatal(err)
		}
		if strings.Join(names, ",") != "live/cam1,live/program" {
			t.Errorf("the page lists %v; want live/cam1 and live/program", names)
		}
		var meta string
		_ = b.Eval("document.querySelector('#streams li .meta').textContent", &meta)
		if !strings.Contains(meta, "h264 640×360") || !strings.Contains(meta, "fps") || !strings.Contains(meta, "/s") {
			t.Errorf("the stream's line says %q; want codec, size, fps and bitrate", meta)
		}
		playInPage(t, b, "live/program", "hlsjs", "hlsjs")
		saveBrowserShot(t, b, "monitor.png")
		playInPage(t, b, "live/program", "dash", "dash")
	})

	t.Run("phone", func(t *testing.T) {
		b := testpeer.StartChromium(t, 390, 844)
		if err := b.Navigate(srv.http + "/#play=live/cam1&via=hlsjs"); err != nil {
			t.Fatal(err)
		}
		playing := "document.body.dataset.streams === '2' && document.getElementById('video').readyState >= 3"
		if err := b.WaitFor(playing, 30*time.Second); err != nil {
			t.Fatalf("on a phone's screen: %v; %s", err, pageState(b))
		}
		var t0 float64
		_ = b.Eval("document.getElementById('video').currentTime", &t0)
		if err := b.WaitFor(fmt.Sprintf("document.getElementById('video').currentTime > %f", t0+1), 15*time.Second); err != nil {
			t.Errorf("on a phone's screen the video does not play: %v; %s", err, pageState(b))
		}
		var fits bool
		_ = b.Eval("document.documentElement.scrollWidth <= window.innerWidth", &fits)
		if !fits {
			t.Errorf("the page is wider than a phone's screen")
		}
		saveBrowserShot(t, b, "monitor-phone.png")
	})

	t.Run("end", func(t *testing.T) {
		_, index := httpGet(t, srv.http+"/live/program/index.m3u8")
		media := ""
		for _, l := range strings.Split(index, "\n") {
			if strings.HasPrefix(l, "video") {
				media = l
			}
		}
		if media == "" {
			t.Fatalf("no video playlist in\n%s", index)
		}
		httpGet(t, srv.http+"/live/program/manifest.mpd") // both muxers are running
		program.cmd.Process.Signal(os.Interrupt)
		program.wait(t, "onair publish", 15*time.Second)
		deadline := time.Now().Add(15 * time.Second)
		var pl, mpd string
		for time.Now().Before(deadline) {
			_, pl = httpGet(t, srv.http+"/live/program/"+media)
			_, mpd = httpGet(t, srv.http+"/live/program/manifest.mpd")
			if strings.Contains(pl, "#EXT-X-ENDLIST") && strings.Contains(mpd, "mediaPresentationDuration") {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if !strings.HasSuffix(strings.TrimSpace(pl), "#EXT-X-ENDLIST") || strings.Contains(pl, "PRELOAD-HINT") {
			t.Errorf("the ended program's playlist:\n%s", pl)
		}
		if !strings.Contains(mpd, "mediaPresentationDuration") || strings.Contains(mpd, "minimumUpdatePeriod") {
			t.Errorf("the ended program's manifest:\n%s", mpd)
		}
		// A blocking reload past the end answers at once.
		start := time.Now()
		if code, body := httpGet(t, srv.http+"/live/program/"+media+"?_HLS_msn=100000&_HLS_part=0"); code != 200 || !strings.Contains(body, "#EXT-X-ENDLIST") {
			t.Errorf("a blocking reload of the ended playlist: %d\n%s", code, body)
		}
		t.Logf("ended: playlist closed with EXT-X-ENDLIST, manifest with mediaPresentationDuration; blocking reload answered in %s", time.Since(start).Round(time.Millisecond))
	})
	if t.Failed() {
		t.Logf("onair serve log:\n%s", srv.stderr)
	}
}
