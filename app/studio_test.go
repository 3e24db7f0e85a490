package app

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/app/store"
	"github.com/seed7c1a73c4/onair/internal/testpeer"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// newTestStudio starts a studio on a temporary profile with the local
// server on a free loopback port and a small, fast output.
func newTestStudio(t *testing.T, dir string, edit func(*Settings)) *Studio {
	t.Helper()
	return newTestStudioOn(t, dir, "127.0.0.1:0", edit)
}

// newTestStudioOn is newTestStudio with its local server on listen.
func newTestStudioOn(t *testing.T, dir, listen string, edit func(*Settings)) *Studio {
	t.Helper()
	s := newUnstartedStudio(t, dir, listen, edit)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s
}

// newUnstartedStudio is newTestStudioOn before Start; Close is left to
// the cleanup.
func newUnstartedStudio(t *testing.T, dir, listen string, edit func(*Settings)) *Studio {
	t.Helper()
	kv, err := OpenFileKV(filepath.Join(dir, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := store.OpenFileSecretStore(filepath.Join(dir, "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		st, err := LoadSettings(kv, keys)
		if err != nil {
			t.Fatal(err)
		}
		edit(&st)
		if err := SaveSettings(kv, keys, st); err != nil {
			t.Fatal(err)
		}
	}
	s, err := NewStudio(StudioConfig{Settings: kv, Keys: keys, ServerListen: listen, Log: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func studioOutput() program.OutputConfig {
	o := program.DefaultOutput()
	o.Width, o.Height, o.FPS, o.VideoBitrate, o.Preset = 640, 360, 30, 800_000, "ultrafast"
	return o
}

// waitFor is testpeer.WaitFor.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	testpeer.WaitFor(t, d, what, cond)
}

// startSink starts one of our RTMP servers as a destination.
func startSink(t *testing.T, addr string) *server.Server {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Addr = addr
	srv := server.New(cfg)
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func sinkFrames(srv *server.Server, name string) (video, audio uint64) {
	for _, st := range srv.Stats().Streams {
		if st.Name == name && st.Live {
			return st.VideoFrames, st.AudioFrames
		}
	}
	return 0, 0
}

func TestStudioPreviewAndLocalProgram(t *testing.T) {
	s := newTestStudio(t, t.TempDir(), func(st *Settings) { st.Output = studioOutput() })
	waitFor(t, 5*time.Second, "preview frames", func() bool { return s.Preview().Seq() > 10 })
	waitFor(t, 5*time.Second, "the program on the local server", func() bool { return s.Snapshot().ProgramPlayURL != "" })
	snap := s.Snapshot()
	if !snap.Server.On || snap.Live {
		t.Fatalf("server on %v, live %v; want on and not live", snap.Server.On, snap.Live)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pl, err := rtmp.DialPlay(ctx, snap.ProgramPlayURL, rtmp.PlayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pl.Close()
	pl.SetReadDeadline(time.Now().Add(10 * time.Second))
	var sawHeader bool
	for range 200 {
		p, err := pl.ReadPacket()
		if err != nil {
			t.Fatal(err)
		}
		if p.Kind == media.KindVideo && p.Header {
			sawHeader = true
		}
		if p.Kind == media.KindVideo && !p.Header {
			if !sawHeader || !p.Key {
				t.Fatalf("first video frame: header seen %v, keyframe %v; want both", sawHeader, p.Key)
			}
			break
		}
	}
	if snap.Levels.Peak == nil {
		waitFor(t, 3*time.Second, "audio levels", func() bool { return len(s.Snapshot().Levels.Peak) == 2 })
	}
}

func TestStudioGoLiveTwoDestinationsAndStop(t *testing.T) {
	a := startSink(t, "127.0.0.1:0")
	b := startSink(t, "127.0.0.1:0")
	s := newTestStudio(t, t.TempDir(), func(st *Settings) {
		st.Output = studioOutput()
		st.Destinations = []dest.Destination{
			{ID: "a", Name: "Sink A", Service: "custom", Server: "rtmp://" + a.Addr().String() + "/live", Key: "studio-test-key-aaaa", Enabled: true},
			{ID: "b", Name: "Sink B", Service: "custom", Server: "rtmp://" + b.Addr().String() + "/live", Key: "studio-test-key-bbbb", Enabled: true},
			{ID: "c", Name: "Disabled", Service: "custom", Server: "rtmp://127.0.0.1:1/live", Key: "studio-test-key-cccc", Enabled: false},
		}
	})
	s.GoLive()
	waitFor(t, 10*time.Second, "both destinations live with media", func() bool {
		va, _ := sinkFrames(a, "live/studio-test-key-aaaa")
		vb, _ := sinkFrames(b, "live/studio-test-key-bbbb")
		return va > 30 && vb > 30
	})
	snap := s.Snapshot()
	if !snap.Live {
		t.Fatal("snapshot not live")
	}
	for _, d := range snap.Destinations {
		want := dest.StateLive
		if d.ID == "c" {
			want = dest.StateIdle
		}
		if d.State != want {
			t.Errorf("%s: state %s, want %s (%s)", d.Name, d.State, want, d.LastError)
		}
		if strings.Contains(d.URL, "studio-test-key") {
			t.Errorf("%s: URL %q shows the key", d.Name, d.URL)
		}
	}
	s.Stop()
	waitFor(t, 5*time.Second, "both destinations to end", func() bool {
		va, _ := sinkFrames(a, "live/studio-test-key-aaaa")
		vb, _ := sinkFrames(b, "live/studio-test-key-bbbb")
		return va == 0 && vb == 0 && !s.Snapshot().Live
	})
}

func TestStudioReconnectNow(t *testing.T) {
	port := freePort(t)
	addr := "127.0.0.1:" + port
	s := newTestStudio(t, t.TempDir(), func(st *Settings) {
		st.Output = studioOutput()
		st.Destinations = []dest.Destination{{ID: "x", Name: "Late", Service: "custom", Server: "rtmp://" + addr + "/live", Key: "studio-test-key-late", Enabled: true}}
	})
	s.GoLive()
	waitFor(t, 5*time.Second, "reconnecting state", func() bool {
		d := s.Snapshot().Destinations[0]
		return d.State == dest.StateReconnecting && !d.RetryAt.IsZero() && d.LastError != ""
	})
	// Let the backoff grow past what the test waits for, then skip it.
	waitFor(t, 10*time.Second, "a backoff over 2 s", func() bool {
		d := s.Snapshot().Destinations[0]
		return d.State == dest.StateReconnecting && time.Until(d.RetryAt) > 2*time.Second
	})
	sink := startSink(t, addr)
	asked := time.Now()
	s.ReconnectNow("x")
	waitFor(t, 3*time.Second, "live after reconnect now", func() bool {
		v, _ := sinkFrames(sink, "live/studio-test-key-late")
		return v > 0
	})
	t.Logf("live %s after Reconnect now", time.Since(asked).Round(time.Millisecond))
	if time.Since(asked) > 1500*time.Millisecond {
		t.Errorf("took %s after Reconnect now; want under 1.5 s", time.Since(asked))
	}
}

func TestStudioSwitchSourceWhileLive(t *testing.T) {
	sink := startSink(t, "127.0.0.1:0")
	s := newTestStudio(t, t.TempDir(), func(st *Settings) {
		st.Output = studioOutput()
		st.Destinations = []dest.Destination{{ID: "a", Name: "Sink", Service: "custom", Server: "rtmp://" + sink.Addr().String() + "/live", Key: "studio-test-key-swap", Enabled: true}}
	})
	s.GoLive()
	waitFor(t, 10*time.Second, "live", func() bool { v, _ := sinkFrames(sink, "live/studio-test-key-swap"); return v > 10 })
	before, _ := sinkFrames(sink, "live/studio-test-key-swap")
	s.SetAudioSource("none")
	s.SetVideoSource("test")
	waitFor(t, 5*time.Second, "audio none", func() bool { return s.Snapshot().Audio == "none" })
	time.Sleep(time.Second)
	after, _ := sinkFrames(sink, "live/studio-test-key-swap")
	if after-before < 20 {
		t.Errorf("%d frames in the second after the switch; want the stream to keep flowing", after-before)
	}
	d := s.Snapshot().Destinations[0]
	if d.State != dest.StateLive || d.Reconnects != 0 {
		t.Errorf("after the switch: state %s, reconnects %d; want live with no reconnect", d.State, d.Reconnects)
	}
	lv := s.Snapshot().Levels
	for _, p := range lv.Peak {
		if p > silenceDB {
			t.Errorf("audio none: peak %.1f dBFS; want silence", p)
		}
	}
}

func TestStudioSettingsPersist(t *testing.T) {
	dir := t.TempDir()
	s := newTestStudio(t, dir, func(st *Settings) { st.Output = studioOutput() })
	if err := s.SaveDestination(dest.Destination{Name: "Twitch", Service: "twitch", Server: "rtmp://live.twitch.tv/app", Key: "live_123456789_persistkey", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	s.SetGain(-6)
	s.SetMuted(true)
	s.Close()
	raw, err := os.ReadFile(filepath.Join(dir, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "persistkey") {
		t.Fatal("the stream key is in the settings file")
	}
	s2 := newTestStudio(t, dir, nil)
	ds := s2.Destinations()
	if len(ds) != 1 || ds[0].Key != "live_123456789_persistkey" || ds[0].Name != "Twitch" {
		t.Fatalf("after restart: %+v", ds)
	}
	snap := s2.Snapshot()
	if snap.GainDB != -6 || !snap.Muted {
		t.Errorf("gain %v muted %v; want -6 and true", snap.GainDB, snap.Muted)
	}
}

func TestStudioWatchIncoming(t *testing.T) {
	s := newTestStudio(t, t.TempDir(), func(st *Settings) { st.Output = studioOutput() })
	waitFor(t, 5*time.Second, "the program on the local server", func() bool { return s.Snapshot().ProgramPlayURL != "" })
	box, stop := s.WatchIncoming("live/" + ProgramStream)
	defer stop()
	waitFor(t, 5*time.Second, "tile pictures", func() bool { return box.Seq() > 5 })
	waitFor(t, 5*time.Second, "incoming stream listed with levels", func() bool {
		for _, in := range s.Snapshot().Server.Streams {
			if in.Name == "live/"+ProgramStream && in.Width == 640 && len(in.Levels.Peak) > 0 {
				return true
			}
		}
		return false
	})
	stop()
	stop()
}

// silenceDB is the loudest peak that still counts as silence.
const silenceDB = -80.0

func testLogger(t *testing.T) *slog.Logger { return testpeer.Logger(t) }

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
