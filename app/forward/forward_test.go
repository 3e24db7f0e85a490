package forward

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// fwdPush pushes clip to url in real time without re-encoding and waits
// for ffmpeg to finish.
func fwdPush(t *testing.T, clip, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-v", "error", "-nostdin", "-re",
		"-i", clip, "-c", "copy", "-f", "flv", url).CombinedOutput()
	if err != nil {
		t.Fatalf("pushing the clip: %v\n%s", err, out)
	}
}

// fwdCompare fails unless got has exactly the packets of want, in order,
// with the same sizes, hashes, composition times and DTS steps.
func fwdCompare(t *testing.T, what string, want, got []testpeer.FrameSum) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d video packets arrived, %d were sent", what, len(got), len(want))
	}
	bad := 0
	for i := range min(len(got), len(want)) {
		w, g := want[i], got[i]
		if w.Size != g.Size || w.Hash != g.Hash {
			bad++
			if bad <= 3 {
				t.Errorf("%s: packet %d is %d bytes %s, sent %d bytes %s", what, i, g.Size, g.Hash, w.Size, w.Hash)
			}
			continue
		}
		if g.PTS-g.DTS != w.PTS-w.DTS {
			t.Errorf("%s: packet %d composition time %d ms, sent %d ms", what, i, g.PTS-g.DTS, w.PTS-w.DTS)
		}
		if i > 0 && g.DTS-got[i-1].DTS != w.DTS-want[i-1].DTS {
			t.Errorf("%s: packet %d DTS step %d ms, sent %d ms", what, i, g.DTS-got[i-1].DTS, w.DTS-want[i-1].DTS)
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d packets differ", what, bad, min(len(got), len(want)))
	}
}

// fwdCodec returns what ffprobe says of a file's video and audio codec
// parameters, extradata hash included.
func fwdCodec(t *testing.T, path string) (video, audio map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-show_data_hash", "md5", "-show_entries",
		"stream=codec_type,codec_name,profile,level,width,height,pix_fmt,has_b_frames,sample_rate,channels,extradata_size,extradata_hash",
		"-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p struct {
		Streams []map[string]any `json:"streams"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Streams {
		m := map[string]string{}
		for k, v := range s {
			if k != "index" {
				m[k] = fmt.Sprint(v)
			}
		}
		switch m["codec_type"] {
		case "video":
			video = m
		case "audio":
			audio = m
		}
	}
	return video, audio
}

// fwdLog is a logger that writes everything, without the secrets
// backstop, so that a test can check the key never reaches it.
func fwdLog() (*slog.Logger, *testpeer.SyncBuffer) {
	buf := &testpeer.SyncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func fwdServer(t *testing.T, log *slog.Logger) *server.Server {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Addr, cfg.Log = "127.0.0.1:0", log
	srv := server.New(cfg)
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// playURL is the RTMP URL of the stream live/name on srv.
func playURL(srv *server.Server, name string) string {
	return "rtmp://" + srv.Addr().String() + "/live/" + name
}

// fwdStart starts the forward that an `onair serve --forward SPEC` flag
// describes, with the default options.
func fwdStart(t *testing.T, srv *server.Server, spec string, log *slog.Logger) *Forward {
	t.Helper()
	s, err := ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Start(srv, s.Source, []dest.Destination{s.Destination}, Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fwdWait polls cond every 50 ms for up to d.
func fwdWait(t *testing.T, d time.Duration, what string, f *Forward, cond func(Stats) bool) Stats {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		st := f.Stats()
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s: %+v", d, what, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fwdDelivered waits until the source has left n times and the
// destinations' queues are empty, then a little longer for nginx to pass
// the tail on.
func fwdDelivered(t *testing.T, f *Forward, sessions int) Stats {
	t.Helper()
	st := fwdWait(t, 15*time.Second, "the forward to drain", f, func(s Stats) bool {
		return s.Sessions == sessions && !s.SourceLive && s.Pending == 0
	})
	time.Sleep(700 * time.Millisecond)
	return st
}

// TestForwardRestreamIsIdentical is acceptance 5 of issue 5 at the app
// level: ffmpeg pushes a pre-encoded clip into the local server with -c
// copy; the forward sends it to nginx-rtmp over rtmp:// and over rtmps://
// (nginx's TLS terminator) and to a dead destination; the video packets
// recorded from nginx are the ones sent, byte for byte, and the codec
// parameters match. The dead destination changes nothing for the others.
func TestForwardRestreamIsIdentical(t *testing.T) {
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 4, VideoBitrate: "1000k"})
	ca := testpeer.MakeCA(t, "DNS:localhost")
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{TLSCert: ca.ServerCert, TLSKey: ca.ServerKey})
	plainKey, tlsKey, deadKey := "plainKey0123456789", "tlsKey0123456789ab", "deadKey0123456789ab"
	dir := t.TempDir()
	recPlain := testpeer.Record(t, ng.URL(plainKey), filepath.Join(dir, "plain.flv"))
	recTLS := testpeer.Record(t, ng.URL(tlsKey), filepath.Join(dir, "tls.flv"))

	log, logBuf := fwdLog()
	srv := fwdServer(t, log)
	var dests []dest.Destination
	for _, u := range []string{ng.URL(plainKey), fmt.Sprintf("rtmps://localhost:%d/live/%s", ng.TLSPort, tlsKey),
		fmt.Sprintf("rtmp://127.0.0.1:%d/live/%s", testpeer.FreePort(t), deadKey)} {
		s, err := ParseSpec("live/cam=" + u)
		if err != nil {
			t.Fatal(err)
		}
		dests = append(dests, s.Destination)
	}
	f, err := Start(srv, "live/cam", dests, Options{CAFile: ca.CACert, Timeout: 3 * time.Second}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	if st := f.Stats(); len(st.Destinations) != 3 || st.Destinations[0].State != dest.StateIdle || st.SourceLive {
		t.Fatalf("before the source: %+v", st)
	}
	time.Sleep(300 * time.Millisecond) // the recorders wait on nginx

	fwdPush(t, clip, playURL(srv, "cam"))
	st := fwdDelivered(t, f, 1)
	for i, d := range st.Destinations[:2] {
		if d.State != dest.StateLive || d.BytesSent == 0 || d.Dropped != 0 || d.Reconnects != 0 {
			t.Errorf("destination %d: %+v", i, d)
		}
	}
	if d := st.Destinations[2]; d.State == dest.StateLive || d.LastError == "" {
		t.Errorf("the dead destination: %+v", d)
	}
	if st.SourceDropped != 0 || st.Packets == 0 {
		t.Errorf("source: %+v", st)
	}
	f.Stop()
	fwdAllStopped(t, f)
	recPlain.Wait(20 * time.Second)
	recTLS.Wait(20 * time.Second)

	sent := testpeer.VideoFrameMD5(t, clip)
	if len(sent) < 100 {
		t.Fatalf("the clip has %d video packets", len(sent))
	}
	wantV, wantA := fwdCodec(t, clip)
	for _, r := range []*testpeer.Recorder{recPlain, recTLS} {
		got := testpeer.VideoFrameMD5(t, r.Path)
		fwdCompare(t, filepath.Base(r.Path), sent, got)
		gotV, gotA := fwdCodec(t, r.Path)
		for _, k := range []string{"codec_name", "profile", "level", "width", "height", "pix_fmt", "has_b_frames", "extradata_size", "extradata_hash"} {
			if gotV[k] != wantV[k] {
				t.Errorf("%s: video %s is %q, sent %q", filepath.Base(r.Path), k, gotV[k], wantV[k])
			}
		}
		for _, k := range []string{"codec_name", "profile", "sample_rate", "channels", "extradata_hash"} {
			if gotA[k] != wantA[k] {
				t.Errorf("%s: audio %s is %q, sent %q", filepath.Base(r.Path), k, gotA[k], wantA[k])
			}
		}
		t.Logf("%s: %d video packets arrived of %d sent, compared; video %s %s %sx%s level %s, extradata %s",
			filepath.Base(r.Path), len(got), len(sent), gotV["codec_name"], gotV["profile"], gotV["width"], gotV["height"],
			gotV["level"], gotV["extradata_hash"])
	}
	fwdNoKeys(t, logBuf.String(), f.Stats(), plainKey, tlsKey, deadKey)
	if t.Failed() {
		t.Logf("log:\n%s\nnginx:\n%s\nrecorders:\n%s\n%s", logBuf, ng.Log(), recPlain.Log(), recTLS.Log())
	}
}

// fwdAllStopped fails unless every destination's goroutine has ended.
func fwdAllStopped(t *testing.T, f *Forward) {
	t.Helper()
	for _, d := range f.Stats().Destinations {
		if d.State != dest.StateStopped {
			t.Errorf("after Stop, %s is %s", d.Name, d.State)
		}
	}
}

// fwdNoKeys fails if a stream key is in the log or the stats.
func fwdNoKeys(t *testing.T, log string, st Stats, keys ...string) {
	t.Helper()
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.Contains(log, k) || strings.Contains(string(js), k) {
			t.Errorf("the key %q shows in the log or the stats", k)
		}
	}
}

// TestForwardSurvivesSourceReconnect: the camera stops and publishes
// again. The destination stays connected, and the recording holds both
// sessions' packets, intact, on one timeline without a long gap.
func TestForwardSurvivesSourceReconnect(t *testing.T) {
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 4, VideoBitrate: "1000k"})
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{})
	key := "againKey0123456789"
	rec := testpeer.Record(t, ng.URL(key), filepath.Join(t.TempDir(), "again.flv"))
	log, logBuf := fwdLog()
	srv := fwdServer(t, log)
	f := fwdStart(t, srv, "cam="+ng.URL(key), log)
	defer f.Stop()
	time.Sleep(300 * time.Millisecond)

	fwdPush(t, clip, playURL(srv, "cam"))
	fwdWait(t, 10*time.Second, "the source to leave", f, func(s Stats) bool { return s.Sessions == 1 && !s.SourceLive })
	fwdPush(t, clip, playURL(srv, "cam"))
	st := fwdDelivered(t, f, 2)
	if d := st.Destinations[0]; d.State != dest.StateLive || d.Reconnects != 0 || d.Dropped != 0 {
		t.Errorf("the destination across the source's reconnect: %+v", d)
	}
	f.Stop()
	fwdAllStopped(t, f)
	rec.Wait(20 * time.Second)

	sent := testpeer.VideoFrameMD5(t, clip)
	got := testpeer.VideoFrameMD5(t, rec.Path)
	if len(got) != 2*len(sent) {
		t.Errorf("%d video packets arrived, want %d (two sessions of %d)", len(got), 2*len(sent), len(sent))
	}
	if len(got) > len(sent) {
		fwdCompare(t, "first session", sent, got[:len(sent)])
		fwdCompare(t, "second session", sent, got[len(sent):])
		gap := got[len(sent)].DTS - got[len(sent)-1].DTS
		if gap <= 0 || gap > 500 {
			t.Errorf("the second session starts %d ms after the first ends; want a small step forward", gap)
		}
		t.Logf("two sessions, %d video packets, %d ms between them", len(got), gap)
	}
	if e := testpeer.FrameDecodeErrors(t, rec.Path); e != "" {
		t.Errorf("decoding the recording: %s", e)
	}
	fwdNoKeys(t, logBuf.String(), f.Stats(), key)
	if t.Failed() {
		t.Logf("log:\n%s\nnginx:\n%s\nrecorder:\n%s", logBuf, ng.Log(), rec.Log())
	}
}

// TestForwardEndsWithTheServer: closing the local server ends the
// forward's source loop with one sentence, and Stop still returns.
func TestForwardEndsWithTheServer(t *testing.T) {
	log, _ := fwdLog()
	srv := fwdServer(t, log)
	f := fwdStart(t, srv, "live/cam=rtmp://127.0.0.1:1/live/"+fwdTestKey, log)
	srv.Close()
	st := fwdWait(t, 5*time.Second, "the forward to end", f, func(s Stats) bool { return s.Error != "" })
	if !strings.Contains(st.Error, "local server stopped") || strings.Contains(st.Error, fwdTestKey) {
		t.Errorf("error %q", st.Error)
	}
	done := make(chan struct{})
	go func() { f.Stop(); f.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return")
	}
}

func TestStartForwardRefuses(t *testing.T) {
	log, _ := fwdLog()
	srv := fwdServer(t, log)
	good := dest.Destination{Name: "x", Server: "rtmp://127.0.0.1/live/" + fwdTestKey}
	for _, c := range []struct {
		srv    *server.Server
		source string
		dests  []dest.Destination
		want   string
	}{
		{nil, "live/cam", []dest.Destination{good}, "local server"},
		{srv, "live/c?m", []dest.Destination{good}, "local stream name"},
		{srv, "live/cam", nil, "no destination"},
		{srv, "live/cam", []dest.Destination{{Name: "bad", Server: "rtmp://127.0.0.1/live", Key: ""}}, "stream key"},
		{srv, "live/cam", []dest.Destination{{Name: "bad", Server: "ftp://h/" + fwdTestKey}}, "rtmp://"},
	} {
		f, err := Start(c.srv, c.source, c.dests, Options{}, log)
		if err == nil {
			f.Stop()
			t.Errorf("%q %+v: started", c.source, c.dests)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), fwdTestKey) {
			t.Errorf("%q: error %q; want one naming %q without the key", c.source, err, c.want)
		}
	}
}
