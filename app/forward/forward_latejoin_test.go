package forward

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// TestForwardJoinsALiveSourceAtAKeyframe: a forward started while the
// source is already live begins with the sequence headers and the server's
// cached GOP, from its keyframe, and then goes on without a gap.
func TestForwardJoinsALiveSourceAtAKeyframe(t *testing.T) {
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 4, VideoBitrate: "1000k"})
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{})
	key := "lateKey0123456789ab"
	rec := testpeer.Record(t, ng.URL(key), filepath.Join(t.TempDir(), "late.flv"))
	log, logBuf := fwdLog()
	srv := fwdServer(t, log)
	pushed := make(chan struct{})
	go func() {
		defer close(pushed)
		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
		defer cancel()
		_ = exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-v", "error", "-nostdin", "-re",
			"-i", clip, "-c", "copy", "-f", "flv", playURL(srv, "cam")).Run()
	}()
	deadline := time.Now().Add(15 * time.Second)
	for !fwdSourceFrames(srv, "live/cam", 75) { // 2.5 s in: the middle of the second GOP
		if time.Now().After(deadline) {
			t.Fatal("the source never went live")
		}
		time.Sleep(20 * time.Millisecond)
	}
	f := fwdStart(t, srv, "live/cam="+ng.URL(key), log)
	defer f.Stop()
	select {
	case <-pushed:
	case <-time.After(45 * time.Second):
		t.Fatal("ffmpeg did not end")
	}
	fwdDelivered(t, f, 1)
	f.Stop()
	rec.Wait(20 * time.Second)

	sent, got := testpeer.VideoFrameMD5(t, clip), testpeer.VideoFrameMD5(t, rec.Path)
	if len(got) == 0 {
		t.Fatalf("nothing arrived\n%s", logBuf)
	}
	j := 0
	for j < len(sent) && sent[j].Hash != got[0].Hash {
		j++
	}
	if j == 0 || j == len(sent) {
		t.Fatalf("the first packet that arrived is packet %d of %d sent; want one after the start", j, len(sent))
	}
	fwdCompare(t, "late join", sent[j:], got)
	if _, keys := testpeer.PacketTimes(t, rec.Path, "v"); len(keys) == 0 || !keys[0] {
		t.Errorf("the recording does not start with a keyframe")
	}
	t.Logf("joined at packet %d of %d; %d packets arrived", j, len(sent), len(got))
}

// fwdSourceFrames reports whether name is live on srv with at least n
// video frames.
func fwdSourceFrames(srv *server.Server, name string, n uint64) bool {
	for _, st := range srv.Stats().Streams {
		if st.Name == name && st.Live && st.VideoFrames >= n {
			return true
		}
	}
	return false
}
