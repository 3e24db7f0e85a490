package server

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// An in-process publisher reaches a player as an RTMP publisher would; its
// name cannot be taken over, however long it is silent; after Restart the
// player's timeline continues where it stopped; Close ends the stream.
func TestLocalPublisher(t *testing.T) {
	cfg := hostileConfig()
	cfg.ReplaceSilentAfter = 50 * time.Millisecond
	srv, addr := startServer(t, cfg)
	pub, err := srv.PublishLocal("live/program", "test")
	if err != nil {
		t.Fatal(err)
	}
	q, leave, err := srv.Watch("live/program", media.QueueLimits{})
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
	var lastIn int64
	for _, p := range pkts[:60] {
		if !pub.Write(p) {
			t.Fatal("Write refused a packet of a live publisher")
		}
		lastIn = max(lastIn, p.DTS)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got []media.Packet
	for len(got) < 60 {
		p, err := q.Pop(ctx)
		if err != nil {
			t.Fatalf("after %d packets: %v", len(got), err)
		}
		got = append(got, p)
	}
	var lastOut int64
	for _, p := range got {
		lastOut = max(lastOut, p.DTS)
	}
	st := srv.Stats().Streams[0]
	if !st.Live || st.Video == nil || st.Video.Width == 0 || st.Players != 1 {
		t.Errorf("stats %+v; want live, with the video size from the header and one player", st)
	}

	time.Sleep(2 * cfg.ReplaceSilentAfter) // silent for longer than ReplaceSilentAfter
	rc := dialRTMP(t, addr)
	rc.connect("live")
	sid := rc.createStream(2)
	rc.mustSend(cmd(t, chunk.CSIDStream, sid, "publish", 0, nil, "program", "live"))
	rc.expect("onStatus", chunk.StatusPublishBadName)

	// The same packets again, at their old times, after a Restart: the
	// player sees them after the last ones, not back in time.
	pub.Restart()
	for _, p := range pkts[:60] {
		if !p.Header && p.Kind != media.KindData {
			pub.Write(p)
			break
		}
	}
	for {
		p, err := q.Pop(ctx)
		if err != nil {
			t.Fatalf("no packet after Restart: %v", err)
		}
		if p.Header || p.Kind == media.KindData {
			continue
		}
		if p.DTS <= lastOut {
			t.Errorf("after Restart a packet at %d ms; the player was at %d ms (input %d ms)", p.DTS, lastOut, lastIn)
		}
		break
	}

	pub.Close()
	pub.Close()
	for {
		if _, err := q.Pop(ctx); err != nil {
			if !errors.Is(err, media.ErrQueueClosed) {
				t.Errorf("after Close the player got %v; want the end of the stream", err)
			}
			break
		}
	}
	if pub.Write(pkts[len(pkts)-1]) {
		t.Error("Write after Close reported success")
	}
}
