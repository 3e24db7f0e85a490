package app

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/capture"
)

// lockedBuffer is a log sink safe for the runners' goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A destination that was never reached "could not connect"; one that was
// live and dropped is "lost". The broadcast knows when no destination was
// reached at its start (publish then says that it keeps retrying).
func TestBroadcastNeverReachedIsNotLost(t *testing.T) {
	refused := "127.0.0.1:" + freePort(t)
	sink := startSink(t, "127.0.0.1:0")
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	cfg := BroadcastConfig{
		Program: program.Config{Video: "test", Audio: "test", Output: smallOutput()},
		Destinations: []dest.Config{
			{Name: "Never", URL: "rtmp://" + refused + "/live/reach-test-key-never"},
			{Name: "Sink", URL: "rtmp://" + sink.Addr().String() + "/live/reach-test-key-sink"},
		},
		Timeout: 2 * time.Second,
	}
	b, err := StartBroadcast(context.Background(), cfg, capture.NewClock(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { b.Stop(); _ = b.Wait() }()
	if !b.ReachedAtStart() {
		t.Error("ReachedAtStart = false with the sink live")
	}
	waitFor(t, 10*time.Second, "the sink live and the refused one retrying", func() bool {
		ds := b.Stats().Destinations
		return ds[0].State == dest.StateReconnecting && ds[1].State == dest.StateLive
	})
	sink.Close() // the live one is lost
	waitFor(t, 15*time.Second, "both retrying", func() bool {
		ds := b.Stats().Destinations
		return ds[0].State == dest.StateReconnecting && ds[1].State == dest.StateReconnecting && strings.Contains(logs.String(), "destination lost")
	})
	ds := b.Stats().Destinations
	if ds[0].Reached || !ds[1].Reached {
		t.Errorf("Reached: never %v, sink %v; want false, true", ds[0].Reached, ds[1].Reached)
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		switch {
		case strings.Contains(line, "destination=Never") && strings.Contains(line, "destination lost"):
			t.Errorf("a destination never reached is logged as lost: %s", line)
		case strings.Contains(line, "destination=Sink") && strings.Contains(line, "could not connect"):
			t.Errorf("a lost destination is logged as never reached: %s", line)
		}
	}
	if !strings.Contains(logs.String(), `msg="could not connect to the destination; retrying" destination=Never`) {
		t.Errorf("no 'could not connect' for the refused destination:\n%s", logs)
	}

	// Nothing reached at the start.
	only := cfg
	only.Destinations = cfg.Destinations[:1]
	b2, err := StartBroadcast(context.Background(), only, capture.NewClock(), quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if b2.ReachedAtStart() {
		t.Error("ReachedAtStart = true with the only destination refused")
	}
	b2.Stop()
	_ = b2.Wait()
}
