package server

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// paddedSampleLoop returns sample.flv's media with every video frame padded
// by a filler NAL unit of pad bytes, so that the loop runs at a realistic
// bitrate (18 KB a frame at 30 fps is about 4.5 Mb/s).
func paddedSampleLoop(t testing.TB, pad int) (headers, frames []media.Packet) {
	t.Helper()
	filler := h264.AppendFillerNAL(nil, pad)
	for _, p := range rtmptest.OrderedForPublish(rtmptest.SampleFLV(t)) {
		switch {
		case p.Header:
			headers = append(headers, p)
		case p.Kind == media.KindVideo:
			p.Data = append(append([]byte(nil), p.Data...), filler...)
			frames = append(frames, p)
		default:
			frames = append(frames, p)
		}
	}
	return headers, frames
}

// pacePublish sends the loop in real time until ctx ends, with timestamps
// that keep increasing across loops.
func pacePublish(ctx context.Context, t testing.TB, p *rtmp.Publisher, headers, loop []media.Packet) {
	for i := range headers {
		if err := p.WritePacket(&headers[i]); err != nil {
			t.Error(err)
			return
		}
	}
	var first, last, frames int64 = -1, 0, 0
	for _, m := range loop {
		if m.Kind == media.KindVideo {
			if first < 0 {
				first = m.DTS
			}
			last, frames = m.DTS, frames+1
		}
	}
	span := last + (last-first)/(frames-1) // one frame after the last one

	start := time.Now()
	for n := int64(0); ; n++ {
		for _, pkt := range loop {
			pkt.DTS += n * span
			pkt.PTS += n * span
			if d := time.Until(start.Add(time.Duration(pkt.DTS) * time.Millisecond)); d > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
				}
			}
			if ctx.Err() != nil {
				return
			}
			if err := p.WritePacket(&pkt); err != nil {
				t.Errorf("publishing: %v", err)
				return
			}
		}
	}
}

// slowConn reads at most rate bytes per second.
type slowConn struct {
	net.Conn
	rate int
}

func (c *slowConn) Read(b []byte) (int, error) {
	if len(b) > c.rate/10 {
		b = b[:c.rate/10]
	}
	time.Sleep(100 * time.Millisecond)
	return c.Conn.Read(b)
}

// arrival is what a healthy player saw.
type arrival struct {
	frames        int
	maxDTSGap     int64
	maxWallGap    time.Duration
	firstDTS, dts int64
}

// TestServerSlowPlayer is acceptance 4: one player reading 10 KB/s next to
// healthy players of a 4.5 Mb/s stream. The healthy players see no gap over
// 100 ms; the slow one is skipped forward, then dropped; memory stays
// bounded.
func TestServerSlowPlayer(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	log, logs := rtmptest.DebugLogger()
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	stalls := rtmptest.StartStallMeter()
	srv, addr := startServer(t, Config{Log: log, MaxPlayerLag: 4 * time.Second, WriteTimeout: 4 * time.Second,
		PlayerQueue: media.QueueLimits{MaxDelay: time.Second}})
	url := fmt.Sprintf("rtmp://%s/live/fan", addr)
	pub, err := rtmp.Dial(context.Background(), mustTarget(t, url, ""), rtmp.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	headers, frames := paddedSampleLoop(t, 18000)
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Second)
	defer cancel()
	var pubWG sync.WaitGroup
	pubWG.Add(1)
	go func() {
		defer pubWG.Done()
		pacePublish(ctx, t, pub, headers, frames)
	}()
	defer pubWG.Wait()

	const healthy = 3
	results := make([]arrival, healthy)
	var wg sync.WaitGroup
	for i := range healthy {
		pl, err := rtmp.DialPlay(context.Background(), url, rtmp.PlayerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer pl.Close()
			r := &results[i]
			var last time.Time
			for ctx.Err() == nil {
				_ = pl.SetReadDeadline(time.Now().Add(2 * time.Second))
				pkt, err := pl.ReadPacket()
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("healthy player %d: %v", i, err)
					}
					return
				}
				if pkt.Kind != media.KindVideo || pkt.Header {
					continue
				}
				now := time.Now()
				if r.frames > 0 {
					r.maxDTSGap = max(r.maxDTSGap, pkt.DTS-r.dts)
					// The first second holds the GOP-cache burst.
					if pkt.DTS-r.firstDTS > 1000 {
						r.maxWallGap = max(r.maxWallGap, now.Sub(last))
					}
				} else {
					r.firstDTS = pkt.DTS
				}
				r.dts, last = pkt.DTS, now
				r.frames++
			}
		}()
	}
	slow, err := rtmp.DialPlay(context.Background(), url, rtmp.PlayerOptions{WrapConn: func(c net.Conn) net.Conn {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		return &slowConn{Conn: c, rate: 10_000}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	go func() { // drain slowly until the server drops it
		_ = slow.SetReadDeadline(time.Now().Add(15 * time.Second))
		for {
			if _, err := slow.ReadPacket(); err != nil {
				return
			}
		}
	}()
	slowStart := time.Now()
	var heapMax uint64
	var slowDropped time.Duration
	for ctx.Err() == nil {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heapMax = max(heapMax, ms.HeapInuse)
		if st := srv.Stats(); slowDropped == 0 && len(st.Streams) == 1 && st.Streams[0].Players == healthy {
			slowDropped = time.Since(slowStart)
		}
		time.Sleep(100 * time.Millisecond)
	}
	wg.Wait()
	var dropped uint64
	if st := srv.Stats(); len(st.Streams) == 1 {
		dropped = st.Streams[0].DroppedFrames
	}
	// The bound on arrival gaps is 100 ms on top of the longest time this
	// process was kept from running (on a busy machine the publisher and
	// the players stall with it; the slow player must add nothing).
	stalled := stalls.Stop()
	for i, r := range results {
		t.Logf("healthy player %d: %d frames, largest DTS gap %d ms, largest arrival gap %s (process stalled up to %s)",
			i, r.frames, r.maxDTSGap, r.maxWallGap, stalled)
		if r.frames < 250 || r.maxDTSGap > 100 || r.maxWallGap > 100*time.Millisecond+stalled {
			t.Errorf("healthy player %d: %d frames, DTS gap %d ms, arrival gap %s; want ≥250 frames and no gap over 100 ms + %s of stall",
				i, r.frames, r.maxDTSGap, r.maxWallGap, stalled)
		}
	}
	t.Logf("slow player dropped after %s; %d packets skipped; heap peak %d MiB", slowDropped.Round(100*time.Millisecond), dropped, heapMax>>20)
	if slowDropped == 0 {
		t.Error("the slow player was never dropped")
	}
	if dropped == 0 {
		t.Error("no packet was counted as skipped for the slow player")
	}
	if heapMax > 256<<20 {
		t.Errorf("heap peaked at %d MiB", heapMax>>20)
	}
}
