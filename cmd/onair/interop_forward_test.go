//go:build interop

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// videoMD5 is each video packet of path as "size,hash" (ffmpeg framemd5).
func videoMD5(t *testing.T, path string) []string {
	t.Helper()
	var sums []string
	for _, f := range testpeer.VideoFrameMD5(t, path) {
		sums = append(sums, fmt.Sprintf("%d,%s", f.Size, f.Hash))
	}
	return sums
}

// TestInteropForward is acceptance 5 of issue 5 through the binary: ffmpeg
// pushes a pre-encoded clip with -c copy into `onair serve --forward`,
// which sends it on to nginx-rtmp over rtmp:// and rtmps://. The video
// packets recorded from nginx are those of the clip, byte for byte, and
// the codec parameters match. Needs serve.go to register forwardFlag as
// --forward and call startForwards.
func TestInteropForward(t *testing.T) {
	if r := runOnair(t, 10*time.Second, "serve", "-h"); !strings.Contains(r.stderr, "-forward") {
		t.Fatalf("onair serve has no --forward flag yet: serve.go must register forwardFlag and call startForwards (serve_forward.go)\n%s", r.stderr)
	}
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 4, VideoBitrate: "1000k"})
	ca := testpeer.MakeCA(t, "DNS:localhost")
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{TLSCert: ca.ServerCert, TLSKey: ca.ServerKey})
	plainKey, tlsKey := "fwdPlain0123456789", "fwdSecure0123456789"
	dir := t.TempDir()
	recs := []*testpeer.Recorder{
		testpeer.Record(t, ng.URL(plainKey), filepath.Join(dir, "plain.flv")),
		testpeer.Record(t, ng.URL(tlsKey), filepath.Join(dir, "tls.flv")),
	}
	srv := startServe(t, "--ca-file", ca.CACert, "--forward", "live/cam="+ng.URL(plainKey),
		"--forward", fmt.Sprintf("live/cam=rtmps://localhost:%d/live/%s", ng.TLSPort, tlsKey))
	time.Sleep(300 * time.Millisecond) // the recorders wait on nginx

	push := startBG(t, "ffmpeg", "-hide_banner", "-v", "error", "-nostdin", "-re", "-i", clip, "-c", "copy", "-f", "flv", srv.url("cam"))
	push.wait(t, "pushing the clip", 30*time.Second)
	time.Sleep(2 * time.Second) // the tail reaches nginx
	srv.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- srv.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("onair serve exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("onair serve did not stop within 10 s")
	}
	sent := videoMD5(t, clip)
	want := testpeer.FFprobe(t, clip)
	wv, _ := want.Stream("video")
	for _, r := range recs {
		r.Wait(20 * time.Second)
		got := videoMD5(t, r.Path)
		same := 0
		for i := range min(len(got), len(sent)) {
			if got[i] == sent[i] {
				same++
			}
		}
		if len(got) != len(sent) || same != len(sent) {
			t.Errorf("%s: %d video packets arrived, %d identical to the %d sent", filepath.Base(r.Path), len(got), same, len(sent))
		}
		probe := testpeer.FFprobe(t, r.Path)
		gv, ok := probe.Stream("video")
		if !ok || gv.CodecName != wv.CodecName || gv.Profile != wv.Profile || gv.Width != wv.Width || gv.Height != wv.Height || gv.PixFmt != wv.PixFmt {
			t.Errorf("%s: video %+v, sent %+v", filepath.Base(r.Path), gv, wv)
		}
		t.Logf("%s: %d of %d video packets identical; %s %s %dx%d", filepath.Base(r.Path), same, len(sent), gv.CodecName, gv.Profile, gv.Width, gv.Height)
	}
	log := srv.stderr.String()
	if !strings.Contains(log, "forwarding") {
		t.Errorf("the log does not say what is forwarded")
	}
	for _, k := range []string{plainKey, tlsKey} {
		if strings.Contains(log, k) || strings.Contains(srv.stdout.String(), k) {
			t.Errorf("the key %q shows in onair's output", k)
		}
	}
	if t.Failed() {
		t.Logf("onair serve:\n%s\nnginx:\n%s", log, ng.Log())
	}
}
