package rtmp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

func TestAckWatchRules(t *testing.T) {
	var w ackWatch
	t0 := time.Unix(1000, 0)
	const win = publisherAckWindow
	if _, _, bad := w.stall(1<<30, t0.Add(time.Hour), time.Second); bad {
		t.Fatal("stalled before any acknowledgement: servers that never ack must not be judged")
	}
	w.onAck(win, win+100, t0)
	cases := []struct {
		sent  uint64
		after time.Duration
		bad   bool
	}{
		{win + 100 + 3*win, 2 * time.Second, false},    // exactly three windows: not more
		{win + 100 + 3*win + 1, 2 * time.Second, true}, // more than three windows, silent past the timeout
		{win + 100 + 10*win, time.Second / 2, false},   // a lot pending, but the last ack is recent
		{win + 100 + win, time.Hour, false},            // silent for long, little sent (paused encoder)
		{50, time.Hour, false},                         // counter below the ack point: no judgement
	}
	for i, c := range cases {
		if _, _, bad := w.stall(c.sent, t0.Add(c.after), time.Second); bad != c.bad {
			t.Errorf("case %d: stalled = %v, want %v", i, bad, c.bad)
		}
	}
	// A server that acknowledges every 4 MiB teaches the watchdog its
	// spacing: 3 × 4 MiB pending is then normal.
	var big ackWatch
	big.onAck(4<<20, 4<<20, t0)
	if _, _, bad := big.stall(4<<20+3*(4<<20), t0.Add(time.Hour), time.Second); bad {
		t.Fatal("a server with a 4 MiB ack spacing was judged by the 256 KiB window")
	}
	big.onAck(8<<20, 8<<20, t0)
	big.onAck(100, 9<<20, t0) // nginx resets its counter: not a spacing of 4 GiB
	if big.window != 4<<20 {
		t.Fatalf("learned window %d after a counter reset", big.window)
	}
	big.onAck(^uint32(0)-10, 9<<20, t0)
	big.onAck(1000, 10<<20, t0) // a wrap of the 32-bit counter is a small step
	if big.window != 4<<20 || big.acks() != 5 {
		t.Fatalf("window %d, acks %d after a wrap", big.window, big.acks())
	}
}

// streamPaced publishes sample.flv in a loop at speed × real time for d,
// timestamps continuing across loops, unless the session ends. It returns
// the payload bytes sent and the first write error.
func streamPaced(t *testing.T, p *Publisher, d time.Duration, speed int) (int, error) {
	t.Helper()
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
	var heads, frames []media.Packet
	for _, q := range pkts {
		if q.Header {
			heads = append(heads, q)
		} else {
			frames = append(frames, q)
		}
	}
	for i := range heads {
		if err := p.WritePacket(&heads[i]); err != nil {
			return 0, err
		}
	}
	loopMS := frames[len(frames)-1].DTS + 33
	start := time.Now()
	sent := 0
	for loop := int64(0); loop < 10_000 && time.Since(start) < d; loop++ {
		for i := range frames {
			q := frames[i]
			q.DTS += loop * loopMS
			q.PTS += loop * loopMS
			if wait := time.Duration(q.DTS)*time.Millisecond/time.Duration(speed) - time.Since(start); wait > 0 {
				time.Sleep(wait)
			}
			if err := p.WritePacket(&q); err != nil {
				return sent, err
			}
			sent += len(q.Data)
		}
	}
	return sent, nil
}

// TestPublisherWatchdogFires: a server that keeps reading but stops
// acknowledging is found by the watchdog alone (the write deadline never
// fires: the server reads everything).
func TestPublisherWatchdogFires(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := startFakeServer(t, fakeOpts{honorAckWindow: true, ackFor: 2500 * time.Millisecond}, nil)
	tg := mustTarget(t, srv.url("rtmp"), testKey)
	const ackTimeout = time.Second
	p, err := Dial(context.Background(), tg, PublisherOptions{Timeout: 2 * time.Second, AckTimeout: ackTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	_, err = streamPaced(t, p, 10*time.Second, 8)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatalf("10 s without acknowledgements went unnoticed (%d acks early on)", p.acks.acks())
	}
	t.Logf("%v after %v, %d acks before the stop", err, elapsed, p.acks.acks())
	if !strings.Contains(err.Error(), "stopped acknowledging data") || !strings.Contains(p.Err().Error(), "stopped acknowledging data") {
		t.Fatalf("err = %v, Err = %v", err, p.Err())
	}
	if p.acks.acks() == 0 || srv.acksSentCount() == 0 {
		t.Fatal("the server never acknowledged: the watchdog was not exercised")
	}
	// Acks stop 2.5 s after publish; the watchdog needs the timeout and
	// three windows of data (≈ 1.7 s at this pace), then a tick.
	if elapsed > 2500*time.Millisecond+ackTimeout+4*time.Second {
		t.Fatalf("the watchdog took %v", elapsed)
	}
	assertNoSecrets(t, tg, err.Error())
}

// TestPublisherWatchdogQuietServers: a server that never acknowledges is
// never judged, even with a tiny AckTimeout; the publisher did ask for
// acknowledgements.
func TestPublisherWatchdogQuietServers(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := startFakeServer(t, fakeOpts{}, nil)
	p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey),
		PublisherOptions{Timeout: 2 * time.Second, AckTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	n, err := streamPaced(t, p, 3*time.Second, 8)
	if err != nil || p.Err() != nil {
		t.Fatalf("a server without acks failed the session after %d bytes: %v / %v", n, err, p.Err())
	}
	srv.mu.Lock()
	window := srv.window
	srv.mu.Unlock()
	if window != publisherAckWindow || n < 4*publisherAckWindow {
		t.Fatalf("window asked %d, sent %d bytes", window, n)
	}
}

// healthyLongPublish streams for d with a watchdog of 1 s and checks the
// real server acknowledged and the session stayed up.
func healthyLongPublish(t *testing.T, url string, d time.Duration) {
	t.Helper()
	p, err := dialWhenUp(t, mustTarget(t, url, ""), PublisherOptions{AckTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	n, err := streamPaced(t, p, d, 8)
	if err != nil || p.Err() != nil {
		t.Fatalf("healthy server failed after %d bytes and %d acks: %v / %v", n, p.acks.acks(), err, p.Err())
	}
	acks := p.acks.acks()
	p.acks.mu.Lock()
	spacing := p.acks.window
	p.acks.mu.Unlock()
	t.Logf("sent %d KiB in %v, %d acknowledgements, learned spacing %d KiB", n>>10, d, acks, spacing>>10)
	if least := uint64(n) / (4 * publisherAckWindow); acks < max(least, 2) {
		t.Fatalf("%d acknowledgements for %d bytes: the server did not honour our window", acks, n)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestPublisherWatchdogHealthyNginx: real nginx-rtmp acknowledges our
// window, and a long publish at ≈3.5 Mbit/s with a 1 s AckTimeout is not
// failed.
func TestPublisherWatchdogHealthyNginx(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	ngx := testpeer.StartNginx(t, testpeer.NginxOptions{})
	healthyLongPublish(t, ngx.URL(testKey), 8*time.Second)
}

// TestPublisherWatchdogHealthyServer: the same against our own Server.
func TestPublisherWatchdogHealthyServer(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := server.New(server.Config{Addr: "127.0.0.1:0"})
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	healthyLongPublish(t, fmt.Sprintf("rtmp://%s/live/cam1", srv.Addr()), 8*time.Second)
}

// In-flight bytes count only beyond one ack spacing, and only once the
// server has acknowledged something.
func TestAckWatchInFlight(t *testing.T) {
	var w ackWatch
	if _, ok := w.inFlight(1 << 20); ok {
		t.Fatal("in flight known before any acknowledgement")
	}
	now := time.Unix(0, 0)
	w.onAck(publisherAckWindow, publisherAckWindow, now)
	if n, ok := w.inFlight(publisherAckWindow * 2); !ok || n != 0 {
		t.Errorf("one window ahead: %d %v; want 0 true", n, ok)
	}
	if n, _ := w.inFlight(publisherAckWindow*2 + 1000); n != 1000 {
		t.Errorf("one window + 1000 ahead: %d; want 1000", n)
	}
	if n, _ := w.inFlight(100); n != 0 {
		t.Errorf("behind the server's count: %d; want 0", n)
	}
}
