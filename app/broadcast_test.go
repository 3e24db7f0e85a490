package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func smallOutput() OutputConfig {
	o := DefaultOutput()
	o.Width, o.Height, o.VideoBitrate = 320, 240, 500_000
	return o
}

// TestStartBroadcastFailuresLeaveNoGoroutine covers the bad inputs of
// `onair publish`: each fails with one sentence and leaves nothing running.
func TestStartBroadcastFailuresLeaveNoGoroutine(t *testing.T) {
	ng := testpeer.StartNginx(t, testpeer.NginxOptions{DenyPublish: true})
	hole, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hole.Close()
	go func() { // accept and never answer
		for {
			c, err := hole.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	refused := fmt.Sprintf("rtmp://127.0.0.1:%d/live/x", testpeer.FreePort(t))
	bad := func(mod func(*OutputConfig)) OutputConfig {
		o := smallOutput()
		mod(&o)
		return o
	}
	cases := []struct {
		name  string
		video string
		out   OutputConfig
		url   string
		want  string
	}{
		{"malformed URL", "test", smallOutput(), "rtmp://", ""},
		{"unknown scheme", "test", smallOutput(), "http://127.0.0.1/live/x", "scheme"},
		{"refused", "test", smallOutput(), refused, "refused"},
		{"blackhole", "test", smallOutput(), "rtmp://" + hole.Addr().String() + "/live/x", "timed out"},
		{"denied", "test", smallOutput(), ng.URL("x"), ""},
		{"unknown device", "camera:nope", smallOutput(), ng.URL("x"), `no camera "nope"`},
		{"size 0x0", "test", bad(func(o *OutputConfig) { o.Width, o.Height = 0, 0 }), ng.URL("x"), "size 0x0"},
		{"size 7x7", "test", bad(func(o *OutputConfig) { o.Width, o.Height = 7, 7 }), ng.URL("x"), "size 7x7"},
		{"size huge", "test", bad(func(o *OutputConfig) { o.Width, o.Height = 100000, 100000 }), ng.URL("x"), "100000x100000"},
		{"bitrate 0", "test", bad(func(o *OutputConfig) { o.VideoBitrate = 0 }), ng.URL("x"), "video bitrate 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			cfg := BroadcastConfig{
				Program:      ProgramConfig{Video: c.video, Audio: "test", Output: c.out, Duration: 2 * time.Second},
				Destinations: []DestinationConfig{{URL: c.url}},
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
