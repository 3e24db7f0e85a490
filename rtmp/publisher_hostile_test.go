package rtmp

import (
	"bytes"
	"context"
	"errors"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"go.uber.org/goleak"
)

// amfHeader returns the AMF0 start of a command: name and transaction id.
func amfHeader(t *testing.T, name string, txn float64) []byte {
	t.Helper()
	b, err := amf0.Encode(name, txn)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nested returns n levels of open containers (each prefix repeated), then
// a null: 10^6 levels are a few MiB, under the 8 MiB message limit.
func nested(prefix []byte, n int) []byte {
	b := bytes.Repeat(prefix, n)
	return append(b, 0x05)
}

// amfBomb is a reply that sinks decoders which allocate from counts or
// recurse without a bound. harmless marks a bomb that is valid AMF0 once
// the count is ignored (an ECMA array's count is only a hint), so the
// command must be understood, not refused.
type amfBomb struct {
	payload  []byte
	harmless bool
}

func amfBombs(t *testing.T, name string, txn float64) map[string]amfBomb {
	h := amfHeader(t, name, txn)
	cat := func(parts ...[]byte) []byte { return bytes.Join(append([][]byte{h}, parts...), nil) }
	return map[string]amfBomb{
		"strict array count 0x7FFFFFFF": {payload: cat([]byte{0x05, 0x0A, 0x7F, 0xFF, 0xFF, 0xFF, 0x05, 0x05})},
		"ecma array count 0x7FFFFFFF":   {payload: cat([]byte{0x05, 0x08, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 9}), harmless: true},
		"10^6 nested strict arrays":     {payload: cat([]byte{0x05}, nested([]byte{0x0A, 0, 0, 0, 1}, 1_000_000))},
		"10^6 nested objects":           {payload: cat([]byte{0x05}, nested([]byte{0x03, 0, 1, 'k'}, 1_000_000))},
	}
}

// heapAfterGC returns the live heap and the bytes allocated so far.
func heapAfterGC() (live, total uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.TotalAlloc
}

const maxBombGrowth = 50 << 20

// checkGrowth fails when the heap grew by 50 MiB or more, retained
// (after GC) or allocated in total (a bound on the peak).
func checkGrowth(t *testing.T, live0, total0 uint64) {
	t.Helper()
	live1, total1 := heapAfterGC()
	grew := int64(live1) - int64(live0)
	alloc := total1 - total0
	t.Logf("heap: retained %+d KiB, allocated %d KiB", grew>>10, alloc>>10)
	if grew >= maxBombGrowth || alloc >= maxBombGrowth {
		t.Fatalf("heap grew: retained %+d bytes, allocated %d bytes (limit %d)", grew, alloc, maxBombGrowth)
	}
}

// TestPublisherHostileAMFBombInConnect: the answer to connect is an AMF
// bomb. Dial fails at once with ErrLimit, without a panic, and the heap
// stays within +50 MiB.
func TestPublisherHostileAMFBombInConnect(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	for name, bomb := range amfBombs(t, "_result", txnConnect) {
		t.Run(name, func(t *testing.T) {
			srv := startFakeServer(t, fakeOpts{connectReply: bomb.payload}, nil)
			tg := mustTarget(t, srv.url("rtmp"), testKey)
			live0, total0 := heapAfterGC()
			start := time.Now()
			p, err := Dial(context.Background(), tg, PublisherOptions{Timeout: 5 * time.Second})
			elapsed := time.Since(start)
			if bomb.harmless {
				if err != nil {
					t.Fatalf("a valid answer with a wrong ECMA count was refused: %v", err)
				}
				_ = p.Close()
				checkGrowth(t, live0, total0)
				return
			}
			if err == nil {
				p.Close()
				t.Fatal("Dial succeeded")
			}
			t.Logf("%v after %v", err, elapsed)
			checkGrowth(t, live0, total0)
			if !errors.Is(err, chunk.ErrLimit) || !strings.Contains(err.Error(), "sent invalid RTMP data during connect") {
				t.Fatalf("err = %v, want an chunk.ErrLimit during connect", err)
			}
			if elapsed > 3*time.Second {
				t.Fatalf("Dial took %v: the bomb was not refused at once", elapsed)
			}
			assertNoSecrets(t, tg, err.Error())
		})
	}
}

// TestPublisherHostileAMFBombLive: the same bombs as onStatus after the
// publish started are ignored; the session stays live, the heap bounded.
func TestPublisherHostileAMFBombLive(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	for name, bomb := range amfBombs(t, "onStatus", 0) {
		payload := bomb.payload
		t.Run(name, func(t *testing.T) {
			chSent := make(chan struct{})
			srv := startFakeServer(t, fakeOpts{afterPublish: func(f *fakeConn) {
				time.Sleep(400 * time.Millisecond) // past Dial's grace period
				f.send(chunk.Message{TypeID: chunk.TypeCommandAMF0, CSID: chunk.CSIDStream, StreamID: 1, Payload: payload})
				f.send(chunk.UserControlMessage(chunk.EventPingRequest, 77))
				close(chSent)
			}}, nil)
			live0, total0 := heapAfterGC()
			p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{Timeout: 600 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			select {
			case <-chSent:
			case <-time.After(5 * time.Second):
				t.Fatal("the bomb was not sent")
			}
			srv.waitEvent("pong:77") // the reader went past the bomb
			if err := p.WritePacket(&media.Packet{Kind: media.KindAudio, Data: []byte{0xAF, 1, 2}}); err != nil || p.Err() != nil {
				t.Fatalf("after the bomb: write %v, Err %v", err, p.Err())
			}
			checkGrowth(t, live0, total0)
		})
	}
}

// TestPublisherHostileChunkSizeOne: a server that sets chunk size 1 for
// everything it sends is refused cleanly and at once, before or after the
// publish started.
func TestPublisherHostileChunkSizeOne(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := startFakeServer(t, fakeOpts{chunkSizeFirst: 1}, nil)
	start := time.Now()
	_, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{Timeout: 5 * time.Second})
	if err == nil || !errors.Is(err, chunk.ErrProtocol) || !strings.Contains(err.Error(), "chunk size 1 below 128") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("chunk size 1 took %v to refuse", d)
	}
	t.Log(err)

	live := startFakeServer(t, fakeOpts{afterPublish: func(f *fakeConn) {
		time.Sleep(400 * time.Millisecond)
		f.send(chunk.SetChunkSizeMessage(1))
		f.w = chunk.NewWriter(f.c, 1)
		f.reply(1, "onStatus", 0, nil, status("status", "NetStream.Publish.Start", "again"))
	}}, nil)
	p, err := Dial(context.Background(), mustTarget(t, live.url("rtmp"), testKey), PublisherOptions{Timeout: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("chunk size 1 after publish did not end the session")
	}
	if err := p.Err(); !errors.Is(err, chunk.ErrProtocol) || !strings.Contains(err.Error(), "chunk size 1 below 128") {
		t.Fatalf("Err = %v", err)
	}
}

// TestPublisherHostileSilentServer: a server that stops answering at any
// step makes Dial fail after that step's Timeout, and a server that
// answers every step just in time fails at DialTimeout.
func TestPublisherHostileSilentServer(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	const timeout = 600 * time.Millisecond
	cases := []struct {
		name string
		opts fakeOpts
		want string
		max  time.Duration
	}{
		{"after TCP accept", fakeOpts{silent: true}, "RTMP handshake timed out after 600ms", timeout},
		{"after the handshake", fakeOpts{silentOnConnect: true}, "did not answer connect within 600ms", timeout},
		{"after connect", fakeOpts{silentOnCreate: true}, "did not answer createStream within 600ms", timeout},
		{"after createStream", fakeOpts{silentOnPublish: true}, "did not answer publish within 600ms", timeout},
		{"every step late", fakeOpts{replyDelay: 400 * time.Millisecond}, "did not complete the session setup within 900ms", timeout + timeout/2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := startFakeServer(t, c.opts, nil)
			tg := mustTarget(t, srv.url("rtmp"), testKey)
			start := time.Now()
			p, err := Dial(context.Background(), tg, PublisherOptions{Timeout: timeout})
			elapsed := time.Since(start)
			if err == nil {
				p.Close()
				t.Fatal("Dial succeeded")
			}
			t.Logf("%v after %v", err, elapsed)
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %q, want %q", err, c.want)
			}
			// The timer, not something else, ended it; and it ended on time
			// (slack for a loaded 2-core machine under -race).
			if elapsed < c.max-50*time.Millisecond || elapsed > c.max+time.Second {
				t.Fatalf("Dial failed after %v, want about %v", elapsed, c.max)
			}
			assertNoSecrets(t, tg, err.Error())
		})
	}
}

// resetConn closes c with SO_LINGER 0, so the peer gets a TCP RST.
func resetConn(t *testing.T, c net.Conn) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		t.Errorf("%T is not a TCP connection", c)
		return
	}
	_ = tc.SetLinger(0)
	_ = tc.Close()
}

// TestPublisherHostileResetMidStream: a server that resets the connection
// mid-stream ends the session promptly (Done, Err, WritePacket), whether
// the publisher is idle or writing, and no goroutine is left behind.
func TestPublisherHostileResetMidStream(t *testing.T) {
	for _, writing := range []bool{false, true} {
		name := map[bool]string{false: "idle", true: "writing"}[writing]
		t.Run(name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			func() {
				chReset := make(chan time.Time, 1)
				srv := startFakeServer(t, fakeOpts{afterPublish: func(f *fakeConn) {
					time.Sleep(600 * time.Millisecond) // past the grace, while media flows
					chReset <- time.Now()
					resetConn(t, f.c)
				}}, nil)
				defer srv.close()
				p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{Timeout: time.Second})
				if err != nil {
					t.Fatal(err)
				}
				defer p.Close()
				chWriteErr := make(chan error, 1)
				chStop := make(chan struct{})
				defer close(chStop)
				if writing {
					pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
					go func() {
						for i := 0; i < 1_000_000; i++ {
							select {
							case <-chStop:
								chWriteErr <- nil
								return
							default:
							}
							if err := p.WritePacket(&pkts[i%len(pkts)]); err != nil {
								chWriteErr <- err
								return
							}
						}
						chWriteErr <- nil
					}()
				}
				var resetAt time.Time
				select {
				case resetAt = <-chReset:
				case <-time.After(5 * time.Second):
					t.Fatal("the server did not reset")
				}
				select {
				case <-p.Done():
				case <-time.After(3 * time.Second):
					t.Fatal("Done not closed 3s after the reset")
				}
				t.Logf("Done %v after the reset: %v", time.Since(resetAt), p.Err())
				if err := p.Err(); err == nil || !strings.Contains(err.Error(), "closed the connection") {
					t.Fatalf("Err = %v", err)
				}
				if writing {
					select {
					case err := <-chWriteErr:
						if err == nil || !strings.Contains(err.Error(), "closed the connection") {
							t.Fatalf("WritePacket returned %v", err)
						}
					case <-time.After(3 * time.Second):
						t.Fatal("WritePacket still blocked 3s after the reset")
					}
				}
				if err := p.WritePacket(&media.Packet{Kind: media.KindAudio, Data: []byte{1}}); err == nil {
					t.Fatal("WritePacket after the reset succeeded")
				}
				if err := p.Close(); err != nil {
					t.Fatalf("Close after the reset: %v", err)
				}
			}()
			goleak.VerifyNone(t, ignore)
		})
	}
}

// blackholeBudget is how long a blackholed ingest may take to count as
// failed, with the default options (issue 5).
const blackholeBudget = 15 * time.Second

// TestPublisherBlackholeBudget measures, with the default options, how long
// each kind of blackholed ingest takes to fail: one that accepts TCP and
// completes nothing, and one that completes the publish and then never
// reads again, with and without having acknowledged data before.
func TestPublisherBlackholeBudget(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	t.Run("accepts TCP only", func(t *testing.T) {
		t.Parallel()
		srv := startFakeServer(t, fakeOpts{silent: true}, nil)
		start := time.Now()
		p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{})
		elapsed := time.Since(start)
		if err == nil {
			p.Close()
			t.Fatal("Dial succeeded")
		}
		t.Logf("failed after %v: %v", elapsed, err)
		if elapsed > blackholeBudget {
			t.Fatalf("took %v, budget %v", elapsed, blackholeBudget)
		}
	})
	t.Run("stops reading after acknowledging", func(t *testing.T) {
		t.Parallel()
		const stallAfter = 2 * time.Second
		srv := startFakeServer(t, fakeOpts{honorAckWindow: true, stallAfter: stallAfter}, nil)
		start := time.Now()
		p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		_, err = streamPaced(t, p, stallAfter+2*blackholeBudget, 8) // ≈3.5 Mbit/s, a live pace
		sinceStall := time.Since(start) - stallAfter                // over-estimate: start is before the publish
		if err == nil {
			t.Fatalf("still live %v after the server stopped reading", sinceStall)
		}
		t.Logf("failed at most %v after the stall (%d acks before): %v", sinceStall, p.acks.acks(), err)
		if p.acks.acks() == 0 {
			t.Fatal("no acknowledgement before the stall: this case did not exercise the watchdog")
		}
		if sinceStall > blackholeBudget {
			t.Fatalf("took %v, budget %v", sinceStall, blackholeBudget)
		}
	})
	t.Run("stops reading, never acknowledged", func(t *testing.T) {
		t.Parallel()
		const stallAfter = time.Second
		srv := startFakeServer(t, fakeOpts{stallAfter: stallAfter}, nil)
		start := time.Now()
		p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		big := &media.Packet{Kind: media.KindVideo, Data: make([]byte, 256<<10)}
		for i := 0; i < 100_000 && err == nil && time.Since(start) < stallAfter+2*blackholeBudget; i++ {
			big.DTS = int64(i)
			err = p.WritePacket(big)
		}
		sinceStall := time.Since(start) - stallAfter
		if err == nil {
			t.Fatalf("still live %v after the server stopped reading", sinceStall)
		}
		t.Logf("failed at most %v after the stall: %v", sinceStall, err)
		if !strings.Contains(err.Error(), "timed out after 10s") {
			t.Fatalf("err = %v, want the write deadline", err)
		}
		if sinceStall > blackholeBudget {
			t.Fatalf("took %v, budget %v", sinceStall, blackholeBudget)
		}
	})
}
