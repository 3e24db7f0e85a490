package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// startServer starts a server on a free loopback port and stops it at the
// end of the test.
func startServer(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	s := New(cfg)
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Addr() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the server did not start listening")
		}
		time.Sleep(time.Millisecond)
	}
	t.Cleanup(func() { s.Close() })
	return s, s.Addr().String()
}

// readUntilEOF reads packets until the stream ends, with a bound on time.
func readUntilEOF(t testing.TB, p *rtmp.Player, timeout time.Duration) []media.Packet {
	t.Helper()
	_ = p.SetReadDeadline(time.Now().Add(timeout))
	var got []media.Packet
	for {
		pkt, err := p.ReadPacket()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("after %d packets: %v", len(got), err)
		}
		got = append(got, pkt)
	}
}

func TestServerPublishPlay(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	log, logs := rtmptest.DebugLogger()
	_, addr := startServer(t, Config{Log: log})
	url := fmt.Sprintf("rtmp://%s/live/cam1", addr)

	// The player asks first: it must get the stream once it starts.
	chPlayer := make(chan *rtmp.Player, 1)
	go func() {
		p, err := rtmp.DialPlay(context.Background(), url, rtmp.PlayerOptions{Log: log})
		if err != nil {
			t.Error(err)
		}
		chPlayer <- p
	}()
	time.Sleep(200 * time.Millisecond)
	pub, err := rtmp.Dial(context.Background(), mustTarget(t, url, ""), rtmp.PublisherOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	pl := <-chPlayer
	if pl == nil {
		t.FailNow()
	}
	defer pl.Close()
	rtmptest.PublishSample(t, pub)
	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	got := readUntilEOF(t, pl, 10*time.Second)
	var meta, vh, ah, video, audio int
	for _, p := range got {
		switch {
		case p.Kind == media.KindData:
			meta++
		case p.Header && p.Kind == media.KindVideo:
			vh++
		case p.Header:
			ah++
		case p.Kind == media.KindVideo:
			if video == 0 && !p.Key {
				t.Errorf("first video frame is not a keyframe")
			}
			video++
		default:
			audio++
		}
	}
	if meta != 1 || vh != 1 || ah != 1 || video != 60 || audio == 0 {
		t.Fatalf("player got %d metadata, %d/%d headers, %d video, %d audio; want 1, 1/1, 60, >0\n%s", meta, vh, ah, video, audio, logs)
	}
}

func TestServerBadNameAndReplace(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	_, addr := startServer(t, Config{ReplaceSilentAfter: 1500 * time.Millisecond})
	tg := mustTarget(t, fmt.Sprintf("rtmp://%s/live/cam", addr), "")
	first, err := rtmp.Dial(context.Background(), tg, rtmp.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
	for i := range 3 { // headers and the first keyframe: media, so the name is live
		if err := first.WritePacket(&pkts[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rtmp.Dial(context.Background(), tg, rtmp.PublisherOptions{}); err == nil || !strings.Contains(err.Error(), "BadName") {
		t.Fatalf("second publisher of a live name: %v, want BadName", err)
	}
	time.Sleep(1600 * time.Millisecond) // the first publisher is now silent
	second, err := rtmp.Dial(context.Background(), tg, rtmp.PublisherOptions{})
	if err != nil {
		t.Fatalf("replacing a silent publisher: %v", err)
	}
	defer second.Close()
	select {
	case <-first.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the silent publisher was not disconnected")
	}
}

func TestServerAuth(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	key := GenerateKey()
	log, logs := rtmptest.DebugLogger()
	srv, addr := startServer(t, Config{Log: log, Auth: AuthConfig{PublishKeys: []string{key}, MaxFailures: 3}})
	base := fmt.Sprintf("rtmp://%s/live", addr)
	for _, c := range []struct {
		name, url string
		ok        bool
	}{
		{"query key", base + "/cam?key=" + key, true},
		{"camera form", base + "/cam2_" + key, true},
		{"missing key", base + "/cam3", false},
		{"wrong key", base + "/cam4?key=" + strings.Repeat("A", len(key)), false},
	} {
		p, err := rtmp.Dial(context.Background(), mustTarget(t, c.url, ""), rtmp.PublisherOptions{Timeout: 3 * time.Second})
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.name, err, c.ok)
		}
		if p != nil {
			p.Close()
		}
	}
	// Brute force: after MaxFailures even the right key is refused.
	for range 5 {
		if p, err := rtmp.Dial(context.Background(), mustTarget(t, base+"/x?key=nope", ""), rtmp.PublisherOptions{}); err == nil {
			p.Close()
			t.Fatal("a wrong key was accepted")
		}
	}
	if p, err := rtmp.Dial(context.Background(), mustTarget(t, base+"/late?key="+key, ""), rtmp.PublisherOptions{}); err == nil {
		p.Close()
		t.Error("an IP over its failure limit could still publish")
	}
	if n := srv.Stats().AuthFailures; n < 7 {
		t.Errorf("auth failures counted: %d, want at least 7", n)
	}
	if strings.Contains(logs.String(), key) {
		t.Errorf("the key leaked into the log:\n%s", logs)
	}
}

func TestServerStats(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv, addr := startServer(t, Config{Log: slog.New(slog.DiscardHandler)})
	pub, err := rtmp.Dial(context.Background(), mustTarget(t, fmt.Sprintf("rtmp://%s/live/s", addr), ""), rtmp.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	rtmptest.PublishSample(t, pub)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := srv.Stats()
		if len(st.Streams) == 1 && st.Streams[0].VideoFrames == 60 {
			s := st.Streams[0]
			if s.Name != "live/s" || !s.Live || s.Video == nil || s.Video.Width != 320 || s.Video.Height != 240 ||
				s.Video.Codec != "h264" || s.Audio == nil || s.Audio.SampleRate != 48000 || s.Audio.Channels != 2 || s.BytesIn == 0 {
				t.Fatalf("stats: %+v video %+v audio %+v", s, s.Video, s.Audio)
			}
			if s.Video.FPS < 29 || s.Video.FPS > 31 {
				t.Errorf("fps %.2f, want 30", s.Video.FPS)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stats never showed the stream: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServerCloseEndsPlayers(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv, addr := startServer(t, Config{})
	url := fmt.Sprintf("rtmp://%s/live/x", addr)
	pub, err := rtmp.Dial(context.Background(), mustTarget(t, url, ""), rtmp.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	pl, err := rtmp.DialPlay(context.Background(), url, rtmp.PlayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pl.Close()
	start := time.Now()
	srv.Close()
	if took := time.Since(start); took > time.Second {
		t.Errorf("Close took %s", took)
	}
	_ = pl.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		_, err := pl.ReadPacket()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("player after server close: %v, want EOF", err)
		}
	}
}
