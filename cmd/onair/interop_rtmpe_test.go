//go:build interop

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestInteropRTMPE is the RTMPE acceptance of issue 15: librtmp's rtmpdump
// plays over rtmpe:// (the encrypted handshake on the RTMP port) and over
// rtmpte:// (the same through the HTTP tunnel), and GStreamer's rtmpsink
// (librtmp) publishes over rtmpe://. Every copy decodes clean and lasts
// as long as what was sent, and the server logged the encrypted sessions.
func TestInteropRTMPE(t *testing.T) {
	httpAddr := fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))
	srv := startServe(t, "--http", httpAddr)
	dir := t.TempDir()

	t.Run("rtmpdump-plays", func(t *testing.T) {
		rtmpe := strings.Replace(srv.url("enc"), "rtmp://", "rtmpe://", 1)
		rtmpte := "rtmpte://" + httpAddr + "/live/enc"
		dumps := map[string]*bgCommand{}
		for scheme, u := range map[string]string{"rtmpe": rtmpe, "rtmpte": rtmpte} {
			dumps[scheme] = startBG(t, "rtmpdump", "-q", "-v", "-r", u, "-o", filepath.Join(dir, scheme+".flv"))
		}
		time.Sleep(300 * time.Millisecond)
		args := servePublishers[0].cmd(srv.url("enc"))
		startBG(t, args[0], args[1:]...).wait(t, "ffmpeg publishing", 30*time.Second)
		for scheme, d := range dumps {
			d.wait(t, "rtmpdump over "+scheme, 15*time.Second)
			checkEightSeconds(t, "rtmpdump over "+scheme, filepath.Join(dir, scheme+".flv"))
		}
	})

	t.Run("gstreamer-publishes", func(t *testing.T) {
		rec := testpeer.Record(t, srv.url("gst"), filepath.Join(dir, "gst.flv"))
		time.Sleep(300 * time.Millisecond)
		gst := servePublishers[1].cmd(strings.Replace(srv.url("gst"), "rtmp://", "rtmpe://", 1))
		for i, a := range gst {
			if a == "rtmp2sink" {
				gst[i] = "rtmpsink" // librtmp's element: rtmp2sink has no RTMPE
			}
		}
		startBG(t, gst[0], gst[1:]...).wait(t, "GStreamer rtmpsink over rtmpe", 30*time.Second)
		if err := rec.Wait(15 * time.Second); err != nil {
			t.Errorf("ffmpeg -c copy ended with %v: %s", err, rec.Log())
		}
		got := testpeer.FFprobe(t, rec.Path)
		if v, ok := got.Stream("video"); !ok || v.CodecName != "h264" || v.Width != 640 {
			t.Errorf("GStreamer's stream: video %+v", v)
		}
		if a, ok := got.Stream("audio"); !ok || a.CodecName != "aac" {
			t.Errorf("GStreamer's stream: audio %+v", a)
		}
		if d := got.Duration(); d < 7 {
			t.Errorf("GStreamer's stream lasts %.3f s; want about 8", d)
		}
		if errs := testpeer.FrameDecodeErrors(t, rec.Path); strings.TrimSpace(errs) != "" {
			t.Errorf("decoding GStreamer's stream printed:\n%s", errs)
		}
	})
	if n := strings.Count(srv.stderr.String(), "handshake=rtmpe"); n < 3 {
		t.Errorf("the server logged %d lines of RTMPE sessions; want the two players' and the publisher's", n)
	}
	if t.Failed() {
		t.Logf("onair serve log:\n%s", srv.stderr)
	}
}
