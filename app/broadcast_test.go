package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"

	"go.uber.org/goleak"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func smallOutput() program.OutputConfig {
	o := program.DefaultOutput()
	o.Width, o.Height, o.VideoBitrate = 320, 240, 500_000
	return o
}

// TestStartBroadcastFailuresLeaveNoGoroutine covers the bad inputs of
// `onair publish` that no retry can fix: each fails with one sentence and
// leaves nothing running. (A server that is down or does not answer is
// retried instead: see TestBroadcastRetriesUnreachable.)
func TestStartBroadcastFailuresLeaveNoGoroutine(t *testing.T) {
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{DenyPublish: true})
	bad := func(mod func(*program.OutputConfig)) program.OutputConfig {
		o := smallOutput()
		mod(&o)
		return o
	}
	cases := []struct {
		name  string
		video string
		out   program.OutputConfig
		url   string
		want  string
	}{
		{"malformed URL", "test", smallOutput(), "rtmp://", ""},
		{"unknown scheme", "test", smallOutput(), "http://127.0.0.1/live/x", "scheme"},
		{"denied", "test", smallOutput(), ng.URL("x"), ""},
		{"unknown device", "camera:nope", smallOutput(), ng.URL("x"), `no camera "nope"`},
		{"size 0x0", "test", bad(func(o *program.OutputConfig) { o.Width, o.Height = 0, 0 }), ng.URL("x"), "size 0x0"},
		{"size 7x7", "test", bad(func(o *program.OutputConfig) { o.Width, o.Height = 7, 7 }), ng.URL("x"), "size 7x7"},
		{"size huge", "test", bad(func(o *program.OutputConfig) { o.Width, o.Height = 100000, 100000 }), ng.URL("x"), "100000x100000"},
		{"bitrate 0", "test", bad(func(o *program.OutputConfig) { o.VideoBitrate = 0 }), ng.URL("x"), "video bitrate 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			cfg := BroadcastConfig{
				Program:      program.Config{Video: c.video, Audio: "test", Output: c.out, Duration: 2 * time.Second},
				Destinations: []dest.Config{{URL: c.url}},
				Timeout:      2 * time.Second,
			}
			b, err := StartBroadcast(context.Background(), cfg, capture.NewClock(), quietLog())
			if err == nil {
				b.Stop()
				b.Wait()
				t.Fatal("StartBroadcast succeeded, want an error")
			}
			if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q: want one line containing %q", err, c.want)
			}
			goleak.VerifyNone(t, before)
		})
	}
}

// blackholeAddr accepts TCP connections and never answers.
func blackholeAddr(t *testing.T) string {
	t.Helper()
	hole, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	chDone := make(chan struct{})
	go func() {
		defer close(chDone)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := hole.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		hole.Close()
		<-chDone
	})
	return hole.Addr().String()
}

// TestBroadcastRetriesUnreachable: a destination that is down or does not
// answer at start does not fail the broadcast; it is retried with backoff,
// and ReconnectNow goes live within 1 s once the server is up.
func TestBroadcastRetriesUnreachable(t *testing.T) {
	port := freePort(t)
	addr := "127.0.0.1:" + port
	hole := blackholeAddr(t)
	before := goleak.IgnoreCurrent()
	const key = "broadcast-test-key-late"
	cfg := BroadcastConfig{
		Program: program.Config{Video: "test", Audio: "test", Output: smallOutput()},
		Destinations: []dest.Config{
			{URL: "rtmp://" + addr + "/live/" + key},
			{URL: "rtmp://" + hole + "/live/x"},
		},
		Timeout: 2 * time.Second,
	}
	start := time.Now()
	b, err := StartBroadcast(context.Background(), cfg, capture.NewClock(), quietLog())
	if err != nil {
		t.Fatalf("StartBroadcast: %v; want it to start and retry", err)
	}
	// Every destination has tried once: the refused one at once, the
	// blackhole after its 2 s timeout.
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("StartBroadcast took %s, want about the 2 s timeout", took)
	}
	waitFor(t, 10*time.Second, "both destinations to be retrying with a reason", func() bool {
		ds := b.Stats().Destinations
		return ds[0].State == dest.StateReconnecting && strings.Contains(ds[0].LastError, "refused") &&
			ds[1].State == dest.StateReconnecting && strings.Contains(ds[1].LastError, "answer")
	})
	for _, d := range b.Stats().Destinations {
		if strings.Contains(d.LastError, key) || strings.Contains(d.URL, key) || strings.Contains(d.Name, key) {
			t.Errorf("the stream key shows in %+v", d)
		}
	}
	waitFor(t, 15*time.Second, "a backoff over 2 s", func() bool {
		d := b.Stats().Destinations[0]
		return d.State == dest.StateReconnecting && time.Until(d.RetryAt) > 2*time.Second
	})
	reconnects := b.Stats().Destinations[0].Reconnects
	sink := startSink(t, addr)
	asked := time.Now()
	b.ReconnectNow()
	waitFor(t, 3*time.Second, "live after ReconnectNow", func() bool {
		v, _ := sinkFrames(sink, "live/"+key)
		return v > 0
	})
	took := time.Since(asked)
	t.Logf("live %s after ReconnectNow (reconnects before: %d)", took.Round(time.Millisecond), reconnects)
	if took > 1500*time.Millisecond {
		t.Errorf("took %s after ReconnectNow; want under 1.5 s", took)
	}
	d := b.Stats().Destinations[0]
	if d.State != dest.StateLive || d.LastError != "" || d.Reconnects <= reconnects || d.BytesSent == 0 {
		t.Errorf("after reconnecting: %+v; want live, no error, more reconnects, bytes sent", d)
	}
	b.Stop()
	err = b.Wait()
	if err == nil || !strings.Contains(err.Error(), "was not live") || strings.Contains(err.Error(), key) {
		t.Errorf("Wait = %v; want the blackholed destination named as not live, without the key", err)
	}
	end := b.Stats().Destinations
	if end[0].State != dest.StateLive || end[1].State == dest.StateLive {
		t.Errorf("states at the end %s, %s; want live, then not live", end[0].State, end[1].State)
	}
	sink.Close()
	goleak.VerifyNone(t, before)
}

// TestBroadcastRejectedDoesNotStopOthers: one destination refuses the key
// (a permanent error), the other is live; the broadcast runs, the hub has
// the program, and Wait names the refused destination.
func TestBroadcastRejectedDoesNotStopOthers(t *testing.T) {
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{DenyPublish: true})
	sink := startSink(t, "127.0.0.1:0")
	before := goleak.IgnoreCurrent()
	const key = "broadcast-test-key-good"
	cfg := BroadcastConfig{
		Program: program.Config{Video: "test", Audio: "test", Output: smallOutput(), Duration: 3 * time.Second},
		Destinations: []dest.Config{
			{Name: "denied", URL: ng.URL("x")},
			{Name: "good", URL: "rtmp://" + sink.Addr().String() + "/live", Key: key},
		},
		Timeout: 3 * time.Second,
	}
	b, err := StartBroadcast(context.Background(), cfg, capture.NewClock(), quietLog())
	if err != nil {
		t.Fatalf("StartBroadcast: %v; want it to start with the good destination", err)
	}
	q := b.ProgramHub().Subscribe(media.QueueLimits{})
	defer b.ProgramHub().Unsubscribe(q)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	gotKey := false
	for i := 0; i < 500 && !gotKey; i++ {
		p, err := q.Pop(ctx)
		if err != nil {
			t.Fatalf("reading the program hub: %v", err)
		}
		gotKey = p.Key && !p.Header
	}
	if !gotKey {
		t.Error("no keyframe from ProgramHub in 500 packets")
	}
	waitFor(t, 5*time.Second, "the good destination live with frames", func() bool {
		v, _ := sinkFrames(sink, "live/"+key)
		return v > 0
	})
	err = b.Wait()
	if err == nil || !strings.Contains(err.Error(), "denied was not live") || strings.Contains(err.Error(), "good") {
		t.Errorf("Wait = %v; want only the denied destination named", err)
	}
	ds := b.Stats().Destinations
	if ds[0].State != dest.StateError || ds[0].LastError == "" || ds[1].State != dest.StateLive || ds[1].BytesSent == 0 {
		t.Errorf("destinations at the end: %+v", ds)
	}
	sink.Close()
	goleak.VerifyNone(t, before)
}

// TestStartBroadcastAllRejected: when every destination fails for good at
// start, StartBroadcast fails with one line per destination.
func TestStartBroadcastAllRejected(t *testing.T) {
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{DenyPublish: true})
	before := goleak.IgnoreCurrent()
	cfg := BroadcastConfig{
		Program:      program.Config{Video: "test", Audio: "test", Output: smallOutput()},
		Destinations: []dest.Config{{Name: "one", URL: ng.URL("a")}, {Name: "two", URL: ng.URL("b")}},
		Timeout:      3 * time.Second,
	}
	b, err := StartBroadcast(context.Background(), cfg, capture.NewClock(), quietLog())
	if err == nil {
		b.Stop()
		b.Wait()
		t.Fatal("StartBroadcast succeeded, want an error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "one: ") || !strings.HasPrefix(lines[1], "two: ") {
		t.Errorf("error %q: want one line per destination", err)
	}
	goleak.VerifyNone(t, before)
}
