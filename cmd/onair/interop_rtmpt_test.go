//go:build interop

package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropRTMPT is the RTMPT acceptance of issue 15: over the local
// server's HTTP port, ffmpeg publishes with rtmpt:// and is played with
// rtmp://, and the other way round ffmpeg and rtmpdump play with rtmpt://
// what ffmpeg published with rtmp://. Every copy decodes clean and lasts
// as long as what was sent.
func TestInteropRTMPT(t *testing.T) {
	httpAddr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))
	srv := startServe(t, "--http", httpAddr)
	tunnel := func(name string) string { return "rtmpt://" + httpAddr + "/live/" + name }
	ffmpegPublish := servePublishers[0].cmd

	cases := []struct {
		name, publishURL string
		playURLs         []string // ffmpeg -c copy from each
		dumpURL          string   // rtmpdump from it, if set
	}{
		{"publish-rtmpt", tunnel("in-tunnel"), []string{srv.url("in-tunnel")}, ""},
		{"play-rtmpt", srv.url("out-tunnel"), []string{tunnel("out-tunnel")}, tunnel("out-tunnel")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var recs []*testpeer.Recorder
			for i, u := range c.playURLs {
				recs = append(recs, testpeer.Record(t, u, filepath.Join(dir, fmt.Sprintf("copy%d.flv", i))))
			}
			var dump *bgCommand
			dumpPath := filepath.Join(dir, "rtmpdump.flv")
			if c.dumpURL != "" {
				dump = startBG(t, "rtmpdump", "-q", "-v", "-r", c.dumpURL, "-o", dumpPath)
			}
			time.Sleep(300 * time.Millisecond)
			args := ffmpegPublish(c.publishURL)
			pub := startBG(t, args[0], args[1:]...)
			pub.wait(t, "ffmpeg publishing to "+strings.SplitN(c.publishURL, ":", 2)[0], 30*time.Second)
			for _, rec := range recs {
				if err := rec.Wait(15 * time.Second); err != nil {
					t.Errorf("ffmpeg -c copy ended with %v: %s", err, rec.Log())
				}
				checkEightSeconds(t, "ffmpeg -c copy", rec.Path)
			}
			if dump != nil {
				dump.wait(t, "rtmpdump over rtmpt", 15*time.Second)
				checkEightSeconds(t, "rtmpdump", dumpPath)
			}
		})
	}
	if t.Failed() {
		t.Logf("onair serve log:\n%s", srv.stderr)
	}
}

// checkEightSeconds checks a copy of servePublishers' 8 s of H.264/AAC:
// both tracks, about 8 s, and a clean decode.
func checkEightSeconds(t *testing.T, what, path string) {
	t.Helper()
	got := testpeer.FFprobe(t, path)
	if v, ok := got.Stream("video"); !ok || v.CodecName != "h264" || v.Width != 640 || v.Height != 360 {
		t.Errorf("%s: video %+v; want h264 640x360", what, v)
	}
	if a, ok := got.Stream("audio"); !ok || a.CodecName != "aac" {
		t.Errorf("%s: audio %+v; want aac", what, a)
	}
	if d := got.Duration(); math.Abs(d-8) > 0.6 {
		t.Errorf("%s lasts %.3f s; want 8 ± 0.6 s", what, d)
	}
	if errs := testpeer.DecodeErrors(t, path); strings.TrimSpace(errs) != "" {
		t.Errorf("decoding %s's file printed:\n%s", what, errs)
	}
}
