package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// TestServerHostileCommands checks command sequences a broken or hostile
// client may send: repeated connect, NetStream commands on streams that do
// not exist, a createStream flood (bounded in CPU), and deleteStream and
// play orders that must keep working.
func TestServerHostileCommands(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())

	// A second connect closes the connection.
	t.Run("connect twice", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		rc.connect("live")
		_ = rc.send(cmd(t, chunk.CSIDCommand, 0, "connect", 2, connectObject("live")))
		rc.requireClosed(closedSoon)
		e.requireFlowing(t, "connect twice")
	})

	// Any command before connect closes the connection.
	t.Run("createStream before connect", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		_ = rc.send(cmd(t, chunk.CSIDCommand, 0, "createStream", 2, nil))
		rc.requireClosed(closedSoon)
		e.requireFlowing(t, "createStream before connect")
	})

	// publish and play on a stream that was not created: an onStatus
	// error, then the connection is closed.
	for _, c := range []struct{ name, code string }{{"publish", chunk.StatusPublishBadName}, {"play", chunk.StatusPlayFailed}} {
		t.Run(c.name+" before createStream", func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.connect("live")
			rc.mustSend(cmd(t, chunk.CSIDStream, 1, c.name, 0, nil, "early"))
			if st := chunk.StatusOf(rc.expect("onStatus", c.code)); st.Level != "error" {
				t.Errorf("%s before createStream: %+v", c.name, st)
			}
			rc.requireClosed(closedSoon)
			e.requireFlowing(t, c.name+" before createStream")
		})
	}

	// 10000 createStream in one write: the server refuses those past
	// MaxMessageStreams and spends under 100 ms of CPU on all of them.
	t.Run("10000 createStream", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		rc.connect("live")
		var buf bytes.Buffer
		w := chunk.NewWriter(&buf, chunk.DefaultChunkSize)
		for i := range 10000 {
			_ = w.WriteMessage(cmd(t, 9, 0, "createStream", float64(i+2), nil))
		}
		_ = w.WriteMessage(cmd(t, 9, 0, "connect", 1, connectObject("live"))) // ends the connection
		_ = w.Flush()
		var read atomic.Int64
		done := make(chan struct{})
		_ = rc.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		go func() {
			defer close(done)
			n, _ := io.Copy(io.Discard, rc.c)
			read.Store(n)
		}()
		before := rusage(t)
		start := time.Now()
		_ = rc.write(buf.Bytes())
		<-done
		took := time.Since(start)
		cpu := rusage(t) - before
		if time.Since(start) > 4*time.Second {
			t.Fatalf("the server did not close the connection after 10000 createStream")
		}
		replies := read.Load()
		t.Logf("10000 createStream: %v of CPU (server and this client), %v wall, %d bytes answered", cpu, took, replies)
		budget := 100 * time.Millisecond
		if raceEnabled() {
			budget *= 10 // the race detector slows everything 5-10 times
		}
		if cpu > budget {
			t.Errorf("10000 createStream cost %v of CPU, want under %v", cpu, budget)
		}
		e.requireFlowing(t, "10000 createStream")
	})

	// deleteStream of a publishing stream unpublishes it; the same name can
	// then be published again on a new stream of the same connection.
	// deleteStream of nonsense ids is ignored.
	t.Run("deleteStream while publishing", func(t *testing.T) {
		rc, sid := publishRaw(t, e.addr, "again")
		pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
		for i := range 3 {
			m := chunk.MessageFromPacket(&pkts[i])
			m.StreamID = sid
			rc.mustSend(m)
		}
		for _, id := range []any{math.NaN(), -1.0, 0.0, 1e300, float64(math.MaxUint32) + 2, "1", nil} {
			rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "deleteStream", 0, nil, id))
		}
		if s, ok := e.streamStats("live/again"); !ok || !s.Live {
			t.Fatalf("live/again after nonsense deleteStream: %+v", s)
		}
		rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "deleteStream", 0, nil, float64(sid)))
		rc.expect("onStatus", chunk.StatusUnpublishSuccess)
		sid2 := rc.createStream(3)
		if sid2 == sid {
			t.Fatalf("createStream after deleteStream reused stream id %d", sid)
		}
		rc.mustSend(cmd(t, chunk.CSIDStream, sid2, "publish", 0, nil, "again", "live"))
		rc.expect("onStatus", chunk.StatusPublishStart)
		// The name is live again.
		m := chunk.MessageFromPacket(&pkts[2])
		m.StreamID = sid2
		rc.mustSend(m)
		if s, ok := e.streamStats("live/again"); !ok || !s.Live {
			t.Fatalf("live/again after republishing: %+v", s)
		}
		e.requireFlowing(t, "deleteStream while publishing")
	})

	// A player of a name nobody publishes yet waits, and gets media once a
	// publisher starts.
	t.Run("play before publish", func(t *testing.T) {
		url := fmt.Sprintf("rtmp://%s/live/late", e.addr)
		pl, err := rtmp.DialPlay(context.Background(), url, rtmp.PlayerOptions{Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer pl.Close()
		chVideo := make(chan error, 1)
		go func() {
			_ = pl.SetReadDeadline(time.Now().Add(4 * time.Second))
			for {
				p, err := pl.ReadPacket()
				if err != nil {
					chVideo <- err
					return
				}
				if p.Kind == media.KindVideo && !p.Header {
					chVideo <- nil
					return
				}
			}
		}()
		time.Sleep(300 * time.Millisecond)
		pub, err := rtmp.Dial(context.Background(), mustTarget(t, url, ""), rtmp.PublisherOptions{Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer pub.Close()
		pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
		for i := range 10 {
			if err := pub.WritePacket(&pkts[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := <-chVideo; err != nil {
			t.Fatalf("the early player got no video: %v", err)
		}
		e.requireFlowing(t, "play before publish")
	})
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// rusage returns the CPU time (user and system) of this process so far.
func rusage(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
