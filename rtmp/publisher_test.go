package rtmp

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

const testKey = "SECRETKEY123"

func mustTarget(t *testing.T, url, key string) Target {
	t.Helper()
	tg, err := ParseTarget(url, key)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestPublisherAgainstFakeServer(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := startFakeServer(t, fakeOpts{
		ackWindow: 200,
		afterPublish: func(f *fakeConn) {
			f.send(chunk.UserControlMessage(chunk.EventPingRequest, 4242))
			pad, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "onPadding", 0, nil, strings.Repeat("p", 300))
			f.send(pad)
		},
	}, nil)
	log, logs := rtmptest.DebugLogger()
	tg := mustTarget(t, srv.url("rtmp"), testKey)
	p, err := Dial(context.Background(), tg, PublisherOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	md := media.Metadata{Width: 320, Height: 240, FrameRate: 30, VideoBitrate: 400_000, AudioBitrate: 128_000,
		AudioSampleRate: 48000, AudioChannels: 2, HasVideo: true, HasAudio: true, Encoder: "test"}
	if err := p.WriteMetadata(md); err != nil {
		t.Fatal(err)
	}
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
	var payload int
	for i := range pkts {
		if err := p.WritePacket(&pkts[i]); err != nil {
			t.Fatal(err)
		}
		payload += len(pkts[i].Data)
	}
	srv.waitEvent("pong:4242")
	srv.waitEvent("ack")
	if p.Err() != nil {
		t.Fatalf("Err = %v while live", p.Err())
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if !errors.Is(p.Err(), ErrPublisherClosed) || !errors.Is(p.WritePacket(&pkts[0]), ErrPublisherClosed) {
		t.Fatalf("after Close: Err %v", p.Err())
	}
	if p.BytesSent() < uint64(payload) {
		t.Fatalf("BytesSent %d < payload %d", p.BytesSent(), payload)
	}
	srv.waitEvent("eof")

	srv.mu.Lock()
	defer srv.mu.Unlock()
	var cmds []string
	for _, e := range srv.events {
		if strings.HasPrefix(e, "cmd:") || strings.HasPrefix(e, "setchunksize") || e == "eof" {
			cmds = append(cmds, e)
		}
	}
	want := []string{"setchunksize:4096", "cmd:connect", "cmd:releaseStream", "cmd:FCPublish", "cmd:createStream",
		"cmd:publish", "cmd:FCUnpublish", "cmd:deleteStream", "eof"}
	if strings.Join(cmds, " ") != strings.Join(want, " ") {
		t.Fatalf("session order\n got %q\nwant %q", cmds, want)
	}
	if srv.chunk != 4096 {
		t.Fatalf("client chunk size %d", srv.chunk)
	}
	obj, _ := srv.connect.Object.(map[string]any)
	if obj["app"] != "live" || obj["type"] != "nonprivate" || obj["flashVer"] != flashVer || obj["tcUrl"] != srv.url("rtmp") || obj["swfUrl"] != srv.url("rtmp") {
		t.Fatalf("connect object %v", obj)
	}
	if srv.publish.Arg(0) != testKey || srv.publish.Arg(1) != "live" {
		t.Fatalf("publish args %v", srv.publish.Args)
	}
	// Every packet arrived intact and in order, after the metadata.
	if len(srv.msgs) != len(pkts)+1 {
		t.Fatalf("server got %d media messages, sent %d", len(srv.msgs), len(pkts)+1)
	}
	got, err := flv.ParseMetadata(bytes.TrimPrefix(srv.msgs[0].Payload, flv.SetDataFrame), amf0.Limits{})
	if err != nil || got != md {
		t.Fatalf("metadata %+v %v", got, err)
	}
	for i, m := range srv.msgs[1:] {
		if m.StreamID != 1 {
			t.Fatalf("message %d on stream %d", i, m.StreamID)
		}
		q, err := chunk.PacketFromMessage(m)
		if err != nil || q.Kind != pkts[i].Kind || q.DTS != pkts[i].DTS || q.PTS != pkts[i].PTS || q.Key != pkts[i].Key || !bytes.Equal(q.Data, pkts[i].Data) {
			t.Fatalf("packet %d differs: %v", i, err)
		}
	}
	if strings.Contains(logs.String(), testKey) {
		t.Fatalf("key in logs:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "publishing") {
		t.Fatalf("no publishing line in logs:\n%s", logs)
	}
}

func TestPublisherDefaults(t *testing.T) {
	o := PublisherOptions{}.withDefaults()
	if o.Timeout != 10*time.Second || o.WriteTimeout != 10*time.Second || o.ChunkSize != 4096 || o.Log == nil ||
		o.DialTimeout != 15*time.Second || o.AckTimeout != 10*time.Second {
		t.Fatalf("defaults %+v", o)
	}
	if o := (PublisherOptions{Timeout: time.Second, AckTimeout: -1}).withDefaults(); o.DialTimeout != 1500*time.Millisecond || o.AckTimeout != -1 {
		t.Fatalf("derived defaults %+v", o)
	}
}

func TestPublisherRefusedPortFailsFast(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	start := time.Now()
	_, err = Dial(context.Background(), mustTarget(t, "rtmp://"+addr+"/live", testKey), PublisherOptions{})
	if err == nil || !strings.Contains(err.Error(), "connection refused by "+addr) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("refused port took %v", d)
	}
}

func TestPublisherBlackhole(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := startFakeServer(t, fakeOpts{silent: true}, nil)
	start := time.Now()
	_, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{Timeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "RTMP handshake timed out after 300ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("blackhole took %v", d)
	}
}

func TestPublisherContextCancel(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := startFakeServer(t, fakeOpts{silent: true}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := Dial(ctx, mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

// TestPublisherErrorsNeverLeakKey provokes every failure the publisher can
// report and checks the key appears neither in the error nor in debug logs.
func TestPublisherErrorsNeverLeakKey(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	echo := "stream " + testKey + " is not allowed"
	cases := []struct {
		name string
		opts fakeOpts
		key  string
		want string
		is   error
	}{
		{"http on the port", fakeOpts{rawReply: []byte("HTTP/1.1 400 Bad Request\r\n\r\n")}, testKey, "speaks HTTP, not RTMP", chunk.ErrProtocol},
		{"tls on the port", fakeOpts{rawReply: []byte{0x15, 3, 1, 0, 2, 2, 80}}, testKey, "speaks TLS (use rtmps:// for a TLS port)", chunk.ErrProtocol},
		{"closed during handshake", fakeOpts{rawReply: []byte{3}}, testKey, "closed the connection", nil},
		{"connect rejected", fakeOpts{connectError: &chunk.StatusInfo{Level: "error", Code: "NetConnection.Connect.Rejected", Description: echo}}, testKey,
			`the server rejected the connection to app "live" (NetConnection.Connect.Rejected: stream •••• is not allowed)`, ErrPublishRejected},
		{"closed on connect", fakeOpts{closeOnConnect: true}, testKey, "closed the connection during connect (wrong app name?)", ErrPublishRejected},
		{"createStream refused", fakeOpts{createError: true}, testKey, "refused to create a stream (NetConnection.Call.Failed: no streams)", ErrPublishRejected},
		{"closed on publish", fakeOpts{closeOnPublish: true}, testKey, "the server closed the connection before publishing started (publishing refused?)", ErrPublishRejected},
		{"bad name", fakeOpts{publishStatus: &chunk.StatusInfo{Level: "error", Code: "NetStream.Publish.BadName", Description: echo}}, testKey,
			"the server refused the publish (NetStream.Publish.BadName: stream •••• is not allowed)", ErrPublishRejected},
		{"bad name with query", fakeOpts{publishStatus: &chunk.StatusInfo{Level: "error", Code: "NetStream.Publish.BadName", Description: "bad " + testKey + "?sig=QUERYSECRET"}},
			testKey + "?sig=QUERYSECRET", "the server refused the publish (NetStream.Publish.BadName: bad ••••)", ErrPublishRejected},
		{"publish unanswered", fakeOpts{silentOnPublish: true}, testKey, "did not answer publish within 300ms", nil},
		{"chunk size 5", fakeOpts{peerChunkSize: 5}, testKey, "chunk size 5 below 128", chunk.ErrProtocol},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := startFakeServer(t, c.opts, nil)
			log, logs := rtmptest.DebugLogger()
			tg := mustTarget(t, srv.url("rtmp"), c.key)
			p, err := Dial(context.Background(), tg, PublisherOptions{Timeout: 300 * time.Millisecond, Log: log})
			if err == nil {
				p.Close()
				t.Fatal("Dial succeeded")
			}
			t.Log(err)
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %q, want %q", err, c.want)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Fatalf("err %v is not %v", err, c.is)
			}
			assertNoSecrets(t, tg, err.Error()+"\n"+logs.String())
		})
	}
	for _, url := range []string{"rtmp://127.0.0.1:1/live/" + testKey, "http://127.0.0.1/live/" + testKey, "rtmp://127.0.0.1/" + testKey} {
		tg, err := ParseTarget(url, "")
		if err == nil {
			_, err = Dial(context.Background(), tg, PublisherOptions{Timeout: 300 * time.Millisecond})
		}
		if err == nil || strings.Contains(err.Error(), testKey) {
			t.Fatalf("%v", err)
		}
		t.Log(err)
	}
}
