package server

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// TestServerBruteForce is acceptance 7: 1000 attempts with wrong keys, each
// followed at once by frames, are all refused before anything is buffered;
// the attacking IP is then refused even with the right key while another
// address publishes; no key (right or tried) appears in the log.
func TestServerBruteForce(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	key := GenerateKey()
	log, logs := rtmptest.DebugLogger()
	srv, addr := startServer(t, Config{Log: log, Auth: AuthConfig{PublishKeys: []string{key}}})
	hdr := rtmptest.SampleFLV(t)
	var frames []chunk.Message
	for _, p := range rtmptest.OrderedForPublish(hdr)[:4] {
		m := chunk.MessageFromPacket(&p)
		m.StreamID = 1
		frames = append(frames, m)
	}
	tried := make([]string, 0, 1000)
	for i := range 1000 {
		guess := fmt.Sprintf("%s%04d", key[:len(key)-4], i)
		tried = append(tried, guess)
		rc := dialRTMP(t, addr)
		rc.connect("live")
		sid := rc.createStream(2)
		name := "cam?key=" + guess
		if i%2 == 1 {
			name = "cam_" + guess // the camera form
		}
		if i%3 == 2 {
			name = "cam" // no key at all
		}
		_ = rc.send(append([]chunk.Message{cmd(t, chunk.CSIDStream, sid, "publish", 0, nil, name, "live")}, frames...)...)
		c, err := rc.nextCommand(2 * time.Second)
		if err != nil || c.Name != "onStatus" || chunk.StatusOf(c).Code != chunk.StatusPublishDenied {
			t.Fatalf("attempt %d: %s %+v %v, want onStatus %s", i, c.Name, chunk.StatusOf(c), err, chunk.StatusPublishDenied)
		}
		rc.requireClosed(2 * time.Second)
		rc.c.Close()
		if i%100 == 0 {
			if st := srv.Stats(); len(st.Streams) != 0 {
				t.Fatalf("after attempt %d a stream exists: %+v", i, st.Streams)
			}
		}
	}
	st := srv.Stats()
	if len(st.Streams) != 0 || st.AuthFailures < 1000 {
		t.Fatalf("after 1000 attempts: %d streams, %d auth failures", len(st.Streams), st.AuthFailures)
	}
	good := fmt.Sprintf("rtmp://%s/live/cam?key=%s", addr, key)
	if p, err := rtmp.Dial(context.Background(), mustTarget(t, good, ""), rtmp.PublisherOptions{}); err == nil {
		p.Close()
		t.Error("the attacking address could still publish with the right key")
	}
	// Another loopback address is not affected.
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	rc := &rawConn{t: t, c: c.(*net.TCPConn), r: chunk.NewReader(c, chunk.Limits{}), w: chunk.NewWriter(c, chunk.DefaultChunkSize)}
	defer c.Close()
	if err := chunk.ClientHandshake(c, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	rc.connect("live")
	sid := rc.createStream(2)
	rc.mustSend(cmd(t, chunk.CSIDStream, sid, "publish", 0, nil, "cam_"+key, "live"))
	rc.expect("onStatus", chunk.StatusPublishStart)
	out := logs.String()
	if strings.Contains(out, key) {
		t.Error("the key appears in the log")
	}
	for _, g := range tried {
		if strings.Contains(out, g) {
			t.Fatalf("a tried key (%s…) appears in the log", g[:4])
		}
	}
	if !strings.Contains(out, "level=DEBUG") {
		t.Error("nothing was logged at debug level, so the check proves nothing")
	}
}
