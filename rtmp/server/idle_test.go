package server

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// A connection whose stream ended gets the idle timeout from that moment,
// not from when it connected: a publisher older than IdleTimeout that
// unpublishes (FCUnpublish, deleteStream) and then hangs up is a clean
// stop, not "timed out waiting for the client". When such a connection
// does stay silent, the log says why it was closed.
func TestServerIdleTimeoutFromLastStream(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	cfg := hostileConfig()
	cfg.IdleTimeout = 800 * time.Millisecond
	log, logs := rtmptest.DebugLogger()
	cfg.Log = log
	_, addr := startServer(t, cfg)
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))

	// publishFor publishes name and keeps sending media for longer than
	// IdleTimeout (well within MediaTimeout between packets), then
	// deletes the stream and waits for the server's answer.
	publishFor := func(name string) *rawConn {
		rc, sid := publishRaw(t, addr, name)
		until := time.Now().Add(cfg.IdleTimeout + 400*time.Millisecond)
		for i := 0; time.Now().Before(until) && i < 1000; i++ {
			m := chunk.MessageFromPacket(&pkts[i%len(pkts)])
			m.StreamID = sid
			rc.mustSend(m)
			time.Sleep(50 * time.Millisecond)
		}
		rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "FCUnpublish", 0, nil, name),
			cmd(t, chunk.CSIDCommand, 0, "deleteStream", 0, nil, float64(sid)))
		rc.expect("onStatus", chunk.StatusUnpublishSuccess)
		return rc
	}

	// The stream ended just now: the connection is not closed at once.
	rc := publishFor("clean")
	if _, err := rc.nextMessage(cfg.IdleTimeout / 2); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server closed a connection %v after its stream ended (%v); want it kept for IdleTimeout (%v) from then",
			cfg.IdleTimeout/2, err, cfg.IdleTimeout)
	}
	rc.c.Close() // the client hangs up, as OBS and ffmpeg do after unpublishing
	waitLog(t, logs, `msg="connection closed"`)
	if strings.Contains(logs.String(), "reason=") {
		t.Errorf("a clean stop logged a reason:\n%s", logs)
	}

	// A connection that stays silent after its stream ended is closed
	// IdleTimeout later, with that reason.
	rc = publishFor("silent")
	took, _ := rc.requireClosed(cfg.IdleTimeout + time.Second)
	if took < cfg.IdleTimeout/2 {
		t.Errorf("closed %v after its stream ended; want about IdleTimeout (%v)", took, cfg.IdleTimeout)
	}
	waitLog(t, logs, "reason=")
	if got := logs.String(); !strings.Contains(got, "no new publish or play") || strings.Contains(got, "timed out waiting for the client") {
		t.Errorf("the log does not say the connection was idle after its stream ended:\n%s", got)
	}
}

// waitLog waits, for up to 3 s, until logs contain s.
func waitLog(t *testing.T, logs *testpeer.SyncBuffer, s string) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); !strings.Contains(logs.String(), s); {
		if time.Now().After(deadline) {
			t.Fatalf("the log has no %s after 3 s:\n%s", s, logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
