package rtmp

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

func TestPublisherLiveFailures(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	cases := []struct {
		name  string
		after func(f *fakeConn)
		want  string
	}{
		{"status error", func(f *fakeConn) {
			f.reply(1, "onStatus", 0, nil, status("error", "NetStream.Publish.Denied", "kicked "+testKey))
		}, "the server stopped the stream (NetStream.Publish.Denied: kicked ••••)"},
		{"server hangs up", func(f *fakeConn) { _ = f.c.Close() }, "closed the connection"},
		{"close command", func(f *fakeConn) { f.reply(0, "close", 0, nil) }, "closed the session"},
	}
	// Within the grace period after Publish.Start the same events fail Dial.
	for _, c := range cases {
		t.Run("grace "+c.name, func(t *testing.T) {
			srv := startFakeServer(t, fakeOpts{afterPublish: c.after}, nil)
			_, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{})
			if err == nil {
				t.Fatal("Dial succeeded")
			}
			t.Log(err)
			assertNoSecrets(t, mustTarget(t, srv.url("rtmp"), testKey), err.Error())
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			late := func(f *fakeConn) {
				time.Sleep(250 * time.Millisecond) // past the 200 ms grace of a 400 ms Timeout
				c.after(f)
			}
			srv := startFakeServer(t, fakeOpts{afterPublish: late}, nil)
			log, logs := rtmptest.DebugLogger()
			tg := mustTarget(t, srv.url("rtmp"), testKey)
			p, err := Dial(context.Background(), tg, PublisherOptions{Log: log, Timeout: 400 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			select {
			case <-p.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("Done not closed")
			}
			if err := p.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Err = %v, want %q", err, c.want)
			}
			if err := p.WritePacket(&media.Packet{Kind: media.KindAudio, Data: []byte{1}}); err == nil {
				t.Fatal("write after failure succeeded")
			}
			assertNoSecrets(t, tg, p.Err().Error()+logs.String())
		})
	}
}

func TestPublisherCloseWhileWriting(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := startFakeServer(t, fakeOpts{}, nil)
	p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if err := p.WritePacket(&pkts[i%len(pkts)]); err != nil {
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	var cw sync.WaitGroup
	for range 3 {
		cw.Add(1)
		go func() { defer cw.Done(); p.Close() }()
	}
	cw.Wait()
	wg.Wait()
}

func TestPublisherCloseCutsStalledWrite(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	release := make(chan struct{})
	srv := startFakeServer(t, fakeOpts{afterPublish: func(*fakeConn) { <-release }}, nil)
	t.Cleanup(func() { close(release) }) // runs before the server's cleanup
	p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	big := &media.Packet{Kind: media.KindVideo, Key: true, Data: make([]byte, 1<<20)}
	chWriteErr := make(chan error, 1)
	go func() {
		for {
			if err := p.WritePacket(big); err != nil {
				chWriteErr <- err
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond) // the socket buffers fill up
	start := time.Now()
	_ = p.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Close took %v", d)
	}
	if err := <-chWriteErr; !errors.Is(err, ErrPublisherClosed) {
		t.Fatalf("blocked write returned %v", err)
	}
}
