package server

// Hostile-input tests of the built-in server. Every test runs one real
// server on 127.0.0.1 with short timeouts, keeps a healthy publisher and a
// healthy player of another stream running on it the whole time, throws
// one class of bad input at it from raw connections, and checks that the
// bad connection is dealt with (closed in bounded time, or the bad data
// refused) while the healthy stream keeps flowing and no goroutine leaks.

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// hostileConfig is the server configuration of these tests: timeouts short
// enough that waiting for them keeps the tests fast.
func hostileConfig() Config {
	return Config{
		HandshakeTimeout: time.Second,
		IdleTimeout:      2 * time.Second,
		MediaTimeout:     time.Second,
		WriteTimeout:     2 * time.Second,
		PlayWaitTimeout:  5 * time.Second,
	}
}

// closedSoon bounds how long the server may take to close a connection
// whose input it must refuse at once. It is below IdleTimeout, so a
// connection that is only closed by the idle timeout does not pass.
const closedSoon = time.Second

// hostileEnv is a server with a healthy stream flowing through it.
type hostileEnv struct {
	srv  *Server
	addr string
	logs *testpeer.SyncBuffer
	h    *healthyStream
	// stalls measures how long the test process was kept from running;
	// restarted is set once the healthy stream was started again.
	stalls    *rtmptest.StallMeter
	restarted bool
}

// newHostileEnv starts a server with cfg and a healthy publisher and player
// of live/healthy on it. At the end of the test it checks that the server
// never recovered from a panic.
func newHostileEnv(t *testing.T, cfg Config) *hostileEnv {
	t.Helper()
	log, logs := rtmptest.DebugLogger()
	cfg.Log = log
	srv, addr := startServer(t, cfg)
	e := &hostileEnv{srv: srv, addr: addr, logs: logs, stalls: rtmptest.StartStallMeter()}
	t.Cleanup(func() { e.stalls.Stop() })
	t.Cleanup(func() {
		if n := srv.Stats().Panics; n > 0 {
			t.Errorf("the server recovered from %d panics:\n%s", n, tail(logs.String(), 16<<10))
		}
	})
	e.h = startHealthy(t, addr, "live/healthy")
	return e
}

// tail returns the end of s, for log excerpts in failures.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// streamStats returns the stats of the stream name (app/name).
func (e *hostileEnv) streamStats(name string) (StreamStats, bool) {
	for _, s := range e.srv.Stats().Streams {
		if s.Name == name {
			return s, true
		}
	}
	return StreamStats{}, false
}

// waitConnections waits until the server has at most n connections.
func (e *hostileEnv) waitConnections(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := e.srv.Stats().Connections
		if got <= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server still has %d connections after %v, want at most %d", got, within, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitStreamGone waits until the server has forgotten the stream name, so
// that the next subtest can publish it again.
func (e *hostileEnv) waitStreamGone(t *testing.T, name string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		if _, ok := e.streamStats(name); !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server still has stream %s 3 s after its publisher and players left", name)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// healthyStream is a publisher sending the sample in a loop at its real
// pace, and a player of the same stream counting the video frames it gets.
type healthyStream struct {
	pub      *rtmp.Publisher
	pl       *rtmp.Player
	stop     chan struct{}
	pubDone  sync.WaitGroup
	plDone   sync.WaitGroup
	video    atomic.Int64
	stopping atomic.Bool
	once     sync.Once

	mu  sync.Mutex
	err error
}

func startHealthy(t *testing.T, addr, name string) *healthyStream {
	t.Helper()
	url := fmt.Sprintf("rtmp://%s/%s", addr, name)
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
	pub, err := rtmp.Dial(context.Background(), mustTarget(t, url, ""), rtmp.PublisherOptions{Timeout: 3 * time.Second})
	if err != nil {
		t.Fatalf("healthy publisher: %v", err)
	}
	h := &healthyStream{pub: pub, stop: make(chan struct{})}
	h.pubDone.Add(1)
	go h.publish(pkts)
	t.Cleanup(h.close)
	pl, err := rtmp.DialPlay(context.Background(), url, rtmp.PlayerOptions{Timeout: 3 * time.Second})
	if err != nil {
		t.Fatalf("healthy player: %v", err)
	}
	h.pl = pl
	h.plDone.Add(1)
	go h.play()
	h.requireFlowing(t, "starting")
	return h
}

func (h *healthyStream) fail(who string, err error) {
	if h.stopping.Load() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		h.err = fmt.Errorf("%s: %w", who, err)
	}
}

func (h *healthyStream) failure() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// publish sends the headers once, then the sample's media in a loop with
// increasing timestamps, paced by its DTS (30 fps), until stop.
func (h *healthyStream) publish(pkts []media.Packet) {
	defer h.pubDone.Done()
	var frames []media.Packet
	for i := range pkts {
		if pkts[i].Header {
			if err := h.pub.WritePacket(&pkts[i]); err != nil {
				h.fail("healthy publisher", err)
				return
			}
			continue
		}
		frames = append(frames, pkts[i])
	}
	first := frames[0].DTS
	span := frames[len(frames)-1].DTS - first + 33
	start := time.Now()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for loop := range int64(1000) { // 1000 loops of 2 s: far longer than any test
		for _, p := range frames {
			off := loop * span
			p.DTS += off
			p.PTS += off
			if d := time.Until(start.Add(time.Duration(p.DTS-first) * time.Millisecond)); d > 0 {
				timer.Reset(d)
				select {
				case <-h.stop:
					return
				case <-timer.C:
				}
			} else {
				select {
				case <-h.stop:
					return
				default:
				}
			}
			if err := h.pub.WritePacket(&p); err != nil {
				h.fail("healthy publisher", err)
				return
			}
		}
	}
}

// play counts the video frames the healthy player receives.
func (h *healthyStream) play() {
	defer h.plDone.Done()
	for {
		pkt, err := h.pl.ReadPacket()
		if err != nil {
			h.fail("healthy player", err)
			return
		}
		if pkt.Kind == media.KindVideo && !pkt.Header {
			h.video.Add(1)
		}
	}
}

func (h *healthyStream) close() {
	h.once.Do(func() {
		h.stopping.Store(true)
		close(h.stop)
		h.pubDone.Wait()
		if h.pl != nil {
			h.pl.Close()
		}
		h.pub.Close()
		h.plDone.Wait()
	})
}

// flowing waits until the healthy player receives three more video frames
// within 3 s, and says why not, or that a side of the healthy stream failed.
func (h *healthyStream) flowing(after string) error {
	n0 := h.video.Load()
	deadline := time.Now().Add(3 * time.Second)
	for h.video.Load() < n0+3 {
		if err := h.failure(); err != nil {
			return fmt.Errorf("the healthy stream broke after %s: %w", after, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the healthy player got %d video frames in 3 s after %s, want 3", h.video.Load()-n0, after)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := h.failure(); err != nil {
		return fmt.Errorf("the healthy stream broke after %s: %w", after, err)
	}
	return nil
}

// requireFlowing fails the test unless the healthy stream flows.
func (h *healthyStream) requireFlowing(t *testing.T, after string) {
	t.Helper()
	if err := h.flowing(after); err != nil {
		t.Fatal(err)
	}
}

// requireFlowing fails the test unless the healthy stream flows after the
// hostile input. One exception, once per test: when this process was kept
// from running for half the MediaTimeout or more (a machine busy with other
// work), the server rightly closes the healthy publisher for sending
// nothing; the stream is then started again and must flow. A server that
// breaks it by itself fails the second time.
func (e *hostileEnv) requireFlowing(t *testing.T, after string) {
	t.Helper()
	err := e.h.flowing(after)
	if stall := e.stalls.Max(); err != nil && !e.restarted && stall >= e.srv.cfg.MediaTimeout/2 {
		t.Logf("%v; this process was kept from running for up to %v, so the healthy stream starts again", err, stall)
		e.restarted = true
		e.h.close()
		e.waitStreamGone(t, "live/healthy")
		e.h = startHealthy(t, e.addr, "live/healthy")
		err = e.h.flowing(after)
	}
	if err != nil {
		t.Fatal(err)
	}
}
