//go:build linux

package server

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// burstyConn reads in bursts: after every burst bytes it stops reading for
// pause, so the server's socket fills now and then and a direct write
// is cut short.
type burstyConn struct {
	net.Conn
	burst, read int
	pause       time.Duration
}

func (c *burstyConn) Read(b []byte) (int, error) {
	if c.read >= c.burst {
		time.Sleep(c.pause)
		c.read = 0
	}
	n, err := c.Conn.Read(b)
	c.read += n
	return n, err
}

// smallSendBuffers gives every accepted connection a small socket send
// buffer, so that a frame seldom fits in it at once.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(8 << 10)
	}
	return c, err
}

// TestDirectWritesKeepTheStreamWhole: the publisher writes packets straight
// to idle players' sockets, and a socket that takes only part of a packet
// leaves the rest to the player's goroutine. A player whose socket fills
// again and again (small socket buffers, reading in bursts) still gets
// every frame, each byte for byte as published, in order; and both paths
// were taken.
func TestDirectWritesKeepTheStreamWhole(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	log, logs := rtmptest.DebugLogger()
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	srv := New(Config{Log: log})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(smallSendBuffers{ln}) }()
	defer func() {
		srv.Close()
		<-served
	}()
	addr := ln.Addr().String()
	url := fmt.Sprintf("rtmp://%s/live/direct", addr)
	pub, err := rtmp.Dial(context.Background(), mustTarget(t, url, ""), rtmp.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	headers, frames := paddedSampleLoop(t, 60_000)
	published := map[[32]byte]bool{}
	for _, p := range frames {
		if p.Kind == media.KindVideo {
			published[sha256.Sum256(p.Data)] = true
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pacePublish(ctx, t, pub, headers, frames)
	}()
	defer wg.Wait()

	pl, err := rtmp.DialPlay(context.Background(), url, rtmp.PlayerOptions{WrapConn: func(c net.Conn) net.Conn {
		_ = c.(*net.TCPConn).SetReadBuffer(64 << 10)
		return &burstyConn{Conn: c, burst: 2 << 20, pause: 500 * time.Millisecond}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer pl.Close()
	var got, foreign, payload int
	var lastDTS, maxGap int64 = -1, 0
	for ctx.Err() == nil {
		_ = pl.SetReadDeadline(time.Now().Add(2 * time.Second))
		pkt, err := pl.ReadPacket()
		if err != nil {
			if ctx.Err() == nil {
				t.Fatalf("after %d frames: %v", got, err)
			}
			break
		}
		payload += len(pkt.Data)
		if pkt.Kind != media.KindVideo || pkt.Header {
			continue
		}
		if !published[sha256.Sum256(pkt.Data)] {
			foreign++
		}
		if lastDTS >= 0 {
			maxGap = max(maxGap, pkt.DTS-lastDTS)
		}
		lastDTS = pkt.DTS
		got++
	}
	direct, tails := srv.counters.direct.Load(), srv.counters.directTails.Load()
	var dropped, sent uint64
	if st := srv.Stats(); len(st.Streams) == 1 {
		dropped, sent = st.Streams[0].DroppedFrames, st.Streams[0].BytesOut
	}

	t.Logf("%d frames, largest DTS gap %d ms, %d not as published, %d dropped; %d packets written directly, %d of them in part",
		got, maxGap, foreign, dropped, direct, tails)
	if got < 100 || foreign > 0 || maxGap > 100 {
		t.Errorf("%d frames, %d not as published, largest DTS gap %d ms: want ≥100 frames, each as published, none missing", got, foreign, maxGap)
	}
	if sent < uint64(payload) {
		t.Errorf("the stream counts %d bytes sent, fewer than the %d bytes of media the player read", sent, payload)
	}
	if direct == 0 || tails == 0 {
		t.Errorf("%d direct writes, %d cut short: the test did not take both paths", direct, tails)
	}
}
