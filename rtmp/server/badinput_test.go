package server

// Hostile-input tests of the built-in server. Every test runs one real
// server on 127.0.0.1 with short timeouts, keeps a healthy publisher and a
// healthy player of another stream running on it the whole time, throws
// one class of bad input at it from raw connections, and checks that the
// bad connection is dealt with (closed in bounded time, or the bad data
// refused) while the healthy stream keeps flowing and no goroutine leaks.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
	"github.com/seed7c1a73c4/onair/rtmp/internal/wiretest"
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
}

// newHostileEnv starts a server with cfg and a healthy publisher and player
// of live/healthy on it. At the end of the test it checks that the server
// never recovered from a panic.
func newHostileEnv(t *testing.T, cfg Config) *hostileEnv {
	t.Helper()
	log, logs := rtmptest.DebugLogger()
	cfg.Log = log
	srv, addr := startServer(t, cfg)
	e := &hostileEnv{srv: srv, addr: addr, logs: logs}
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

// requireFlowing fails the test unless the healthy player receives three
// more video frames within 3 s and neither side of the healthy stream failed.
func (h *healthyStream) requireFlowing(t *testing.T, after string) {
	t.Helper()
	n0 := h.video.Load()
	deadline := time.Now().Add(3 * time.Second)
	for h.video.Load() < n0+3 {
		if err := h.failure(); err != nil {
			t.Fatalf("the healthy stream broke after %s: %v", after, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the healthy player got %d video frames in 3 s after %s, want 3", h.video.Load()-n0, after)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := h.failure(); err != nil {
		t.Fatalf("the healthy stream broke after %s: %v", after, err)
	}
}

// rawConn is a hand-driven client connection.
type rawConn struct {
	t *testing.T
	c *net.TCPConn
	r *chunk.Reader
	w *chunk.Writer
}

// dialTCP opens a plain TCP connection to the server, closed at the end of
// the (sub)test.
func dialTCP(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c.(*net.TCPConn), r: chunk.NewReader(c, chunk.Limits{}), w: chunk.NewWriter(c, chunk.DefaultChunkSize)}
}

// dialRTMP opens a connection and completes the RTMP handshake.
func dialRTMP(t *testing.T, addr string) *rawConn {
	t.Helper()
	rc := dialTCP(t, addr)
	if err := chunk.ClientHandshake(rc.c, 2*time.Second); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return rc
}

// write sends raw bytes; an error (the server already hung up) is returned,
// not fatal.
func (rc *rawConn) write(b []byte) error {
	_ = rc.c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	_, err := rc.c.Write(b)
	return err
}

// send writes messages through the connection's chunk writer and flushes.
func (rc *rawConn) send(msgs ...chunk.Message) error {
	_ = rc.c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	for _, m := range msgs {
		if err := rc.w.WriteMessage(m); err != nil {
			return err
		}
	}
	return rc.w.Flush()
}

func (rc *rawConn) mustSend(msgs ...chunk.Message) {
	rc.t.Helper()
	if err := rc.send(msgs...); err != nil {
		rc.t.Fatalf("sending: %v", err)
	}
}

// cmd builds a command message.
func cmd(t testing.TB, csid, streamID uint32, name string, txn float64, obj any, args ...any) chunk.Message {
	t.Helper()
	m, err := chunk.CommandMessage(csid, streamID, name, txn, obj, args...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// connectObject is the command object of a normal connect to app.
func connectObject(app string) amf0.Object {
	return amf0.Object{{Key: "app", Value: app}, {Key: "type", Value: "nonprivate"}, {Key: "flashVer", Value: "FMLE/3.0"}, {Key: "tcUrl", Value: "rtmp://127.0.0.1/" + app}}
}

// nextMessage returns the next message from the server within timeout.
func (rc *rawConn) nextMessage(timeout time.Duration) (chunk.Message, error) {
	_ = rc.c.SetReadDeadline(time.Now().Add(timeout))
	return rc.r.ReadMessage()
}

// nextCommand returns the next command from the server, skipping other
// messages, within timeout.
func (rc *rawConn) nextCommand(timeout time.Duration) (chunk.Command, error) {
	deadline := time.Now().Add(timeout)
	for {
		m, err := rc.nextMessage(time.Until(deadline))
		if err != nil {
			return chunk.Command{}, err
		}
		if m.TypeID == chunk.TypeCommandAMF0 || m.TypeID == chunk.TypeCommandAMF3 {
			return chunk.ParseCommand(m, chunk.Limits{})
		}
	}
}

// expect reads the next command and fails unless it is name (and, for
// onStatus, carries code when code is not empty).
func (rc *rawConn) expect(name, code string) chunk.Command {
	rc.t.Helper()
	c, err := rc.nextCommand(2 * time.Second)
	if err != nil {
		rc.t.Fatalf("waiting for %s %s: %v", name, code, err)
	}
	if c.Name != name || (code != "" && chunk.StatusOf(c).Code != code) {
		rc.t.Fatalf("got %s %+v, want %s %s", c.Name, chunk.StatusOf(c), name, code)
	}
	return c
}

// connect sends a normal connect to app and requires its _result.
func (rc *rawConn) connect(app string) {
	rc.t.Helper()
	rc.mustSend(cmd(rc.t, chunk.CSIDCommand, 0, "connect", 1, connectObject(app)))
	rc.expect("_result", chunk.StatusConnectSuccess)
}

// createStream requires a new message stream and returns its id.
func (rc *rawConn) createStream(txn float64) uint32 {
	rc.t.Helper()
	rc.mustSend(cmd(rc.t, chunk.CSIDCommand, 0, "createStream", txn, nil))
	c := rc.expect("_result", "")
	id, _ := c.Arg(0).(float64)
	if id < 1 || c.TransactionID != txn {
		rc.t.Fatalf("createStream answered %+v", c)
	}
	return uint32(id)
}

// publishRaw connects to live and publishes name; it returns the
// connection and the message stream id.
func publishRaw(t *testing.T, addr, name string) (*rawConn, uint32) {
	t.Helper()
	rc := dialRTMP(t, addr)
	rc.connect("live")
	sid := rc.createStream(2)
	rc.mustSend(cmd(t, chunk.CSIDStream, sid, "publish", 0, nil, name, "live"))
	rc.expect("onStatus", chunk.StatusPublishStart)
	return rc, sid
}

// requireClosed reads (and discards) until the server closes the
// connection, and fails if it is still open after within. It returns how
// long it took and how many bytes came meanwhile.
func (rc *rawConn) requireClosed(within time.Duration) (time.Duration, int) {
	rc.t.Helper()
	start := time.Now()
	_ = rc.c.SetReadDeadline(start.Add(within))
	total := rc.r.Buffered()
	buf := make([]byte, 32<<10)
	for {
		n, err := rc.c.Read(buf)
		total += n
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				rc.t.Fatalf("the server kept the connection open for %v (received %d bytes)", within, total)
			}
			return time.Since(start), total
		}
	}
}

// amfKey appends an AMF0 object key.
func amfKey(b []byte, k string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(k)))
	return append(b, k...)
}

// commandWith returns a command message with a hand-made AMF0 body.
func commandWith(body []byte) chunk.Message {
	return chunk.Message{TypeID: chunk.TypeCommandAMF0, CSID: chunk.CSIDCommand, Payload: body}
}

// TestServerHostileHandshake checks that connections that never finish the
// handshake, or speak something else, are closed at HandshakeTimeout or at
// once, while a healthy stream keeps flowing.
func TestServerHostileHandshake(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())

	// A peer that sends nothing is closed at HandshakeTimeout (1 s).
	t.Run("silence", func(t *testing.T) {
		rc := dialTCP(t, e.addr)
		took, n := rc.requireClosed(3 * time.Second)
		if took < 700*time.Millisecond || took > 2*time.Second || n != 0 {
			t.Errorf("closed after %v with %d bytes sent; want about 1 s and nothing", took, n)
		}
		e.h.requireFlowing(t, "a silent connection")
	})

	// One byte every 500 ms must not extend the deadline: the server
	// closes at HandshakeTimeout from the start, not from the last byte.
	t.Run("drip", func(t *testing.T) {
		rc := dialTCP(t, e.addr)
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			for range 10 {
				if rc.write([]byte{chunk.Version}) != nil {
					return
				}
				select {
				case <-stop:
					return
				case <-time.After(500 * time.Millisecond):
				}
			}
		}()
		took, _ := rc.requireClosed(4 * time.Second)
		close(stop)
		<-done
		if took > 1800*time.Millisecond {
			t.Errorf("a dripping handshake was closed after %v, want about HandshakeTimeout (1 s)", took)
		}
		e.h.requireFlowing(t, "a dripping handshake")
	})

	// A C0 other than 3 and 6 (RTMPE) is refused at once, before S0 is
	// sent; so is an RTMPE C1 without a valid digest, or with a
	// Diffie-Hellman key outside the group (0, 1, p, all ones).
	allOnes := bytes.Repeat([]byte{0xff}, 128)
	prime, _ := new(big.Int).SetString("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"+
		"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"+
		"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"+
		"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)
	for _, c := range []struct {
		name  string
		hello []byte
	}{
		{"version 8", append([]byte{8}, make([]byte, 1536)...)},
		{"rtmpe without digest", append([]byte{6}, make([]byte, 1536)...)},
		{"rtmpe key 0", wiretest.RTMPEHello(make([]byte, 128))},
		{"rtmpe key 1", wiretest.RTMPEHello(append(make([]byte, 127), 1))},
		{"rtmpe key p", wiretest.RTMPEHello(prime.FillBytes(make([]byte, 128)))},
		{"rtmpe key all ones", wiretest.RTMPEHello(allOnes)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialTCP(t, e.addr)
			_ = rc.write(c.hello)
			took, n := rc.requireClosed(3 * time.Second)
			if took > 500*time.Millisecond || n != 0 {
				t.Errorf("%s: closed after %v with %d bytes answered; want at once and nothing", c.name, took, n)
			}
			e.h.requireFlowing(t, c.name)
		})
	}

	// An RTMPE C1 cut short is closed at HandshakeTimeout.
	t.Run("rtmpe truncated", func(t *testing.T) {
		rc := dialTCP(t, e.addr)
		_ = rc.write(wiretest.RTMPEHello(allOnes)[:900])
		took, n := rc.requireClosed(3 * time.Second)
		if took > 1800*time.Millisecond || n != 0 {
			t.Errorf("a truncated RTMPE C1 was closed after %v with %d bytes answered; want about 1 s and nothing", took, n)
		}
		e.h.requireFlowing(t, "a truncated RTMPE C1")
	})

	// An HTTP request on the RTMP port is refused at once.
	t.Run("http request", func(t *testing.T) {
		rc := dialTCP(t, e.addr)
		_ = rc.write([]byte("GET /live/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: probe\r\n\r\n"))
		took, n := rc.requireClosed(3 * time.Second)
		if took > 500*time.Millisecond || n != 0 {
			t.Errorf("HTTP: closed after %v with %d bytes answered; want at once and nothing", took, n)
		}
		e.h.requireFlowing(t, "an HTTP request")
	})

	// A C2 cut short is closed at HandshakeTimeout if the peer waits, and
	// at once if it hangs up.
	for _, hangUp := range []bool{false, true} {
		t.Run(fmt.Sprintf("truncated C2 hangup=%v", hangUp), func(t *testing.T) {
			rc := dialTCP(t, e.addr)
			c0c1 := make([]byte, 1+1536)
			c0c1[0] = chunk.Version
			_, _ = rand.Read(c0c1[9:])
			if err := rc.write(c0c1); err != nil {
				t.Fatal(err)
			}
			s := make([]byte, 1+1536+1536)
			_ = rc.c.SetReadDeadline(time.Now().Add(2 * time.Second))
			if _, err := io.ReadFull(rc.c, s); err != nil {
				t.Fatalf("reading S0S1S2: %v", err)
			}
			if err := rc.write(s[1 : 1+700]); err != nil {
				t.Fatal(err)
			}
			if hangUp {
				_ = rc.c.CloseWrite()
			}
			took, _ := rc.requireClosed(3 * time.Second)
			if hangUp && took > 500*time.Millisecond || !hangUp && took > 1500*time.Millisecond {
				t.Errorf("truncated C2: closed after %v", took)
			}
			e.h.requireFlowing(t, "a truncated C2")
		})
	}

	// 200 connections in parallel send part of C0C1 and hang up: every
	// one is released, and new connections are served afterwards.
	t.Run("200 aborted handshakes", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := net.DialTimeout("tcp", e.addr, 2*time.Second)
				if err != nil {
					return // refused under load is fine
				}
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(2 * time.Second))
				b := make([]byte, 1+i%700)
				b[0] = chunk.Version
				_, _ = c.Write(b)
			}()
		}
		wg.Wait()
		e.waitConnections(t, 2, 3*time.Second) // the healthy publisher and player
		rc := dialRTMP(t, e.addr)
		rc.connect("live")
		e.h.requireFlowing(t, "200 aborted handshakes")
	})
}

// TestServerHostileChunks checks the chunk layer: illegal headers close
// the connection at once, legal but unusual forms (2- and 3-byte chunk
// stream ids, extended timestamps, Abort) keep working, and partial
// messages cannot make the server hold more memory than
// Limits.MaxPendingBytes.
func TestServerHostileChunks(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	cfg := hostileConfig()
	// The largest messages the wire allows, and a small pending budget.
	cfg.Limits = chunk.Limits{MaxMessageSize: chunk.MaxWireMessageSize, MaxPendingBytes: 1 << 20}
	e := newHostileEnv(t, cfg)
	lim := e.srv.cfg.Limits
	// A connect of more than one 128-byte chunk.
	connectMsg := cmd(t, chunk.CSIDCommand, 0, "connect", 1, append(connectObject("live"), amf0.Property{Key: "swfUrl", Value: strings.Repeat("s", 200)}))

	// A chunk stream must start with a type-0 header.
	for _, c := range []struct {
		name string
		in   func(*wiretest.Wire)
	}{
		{"fmt1 on a new csid", func(b *wiretest.Wire) { b.Basic(1, 5).U24(0).U24(4).U8(chunk.TypeWindowAckSize).U32(4096) }},
		{"fmt2 on a new csid", func(b *wiretest.Wire) { b.Basic(2, 5).U24(0).U32(4096) }},
		{"fmt3 on a new csid", func(b *wiretest.Wire) { b.Basic(3, 5).U32(4096) }},
		{"fmt3 on a new 3-byte csid", func(b *wiretest.Wire) { b.Basic(3, 40000).U32(4096) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			var b wiretest.Wire
			c.in(&b)
			_ = rc.write(b.Bytes())
			rc.requireClosed(closedSoon)
			e.h.requireFlowing(t, c.name)
		})
	}

	// A zero-length command cannot be parsed: the connection is closed.
	t.Run("zero-length command", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		var b wiretest.Wire
		b.Fmt0(3, 0, 0, chunk.TypeCommandAMF0, 0)
		_ = rc.write(b.Bytes())
		rc.requireClosed(closedSoon)
		e.h.requireFlowing(t, "a zero-length command")
	})

	// Zero-length messages of types the server ignores, even 1000 of them
	// as one-byte type-3 chunks, are skipped and the connection works.
	t.Run("zero-length ignored messages", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		var b wiretest.Wire
		b.Fmt0(7, 0, 0, chunk.TypeSharedObjAMF0, 0)
		for range 1000 {
			b.Basic(3, 7)
		}
		b.Fmt0(9, 0, 0, 0x30, 0)
		if err := rc.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		rc.connect("live")
		rc.createStream(2)
		e.h.requireFlowing(t, "zero-length messages")
	})

	// A header inside a message that changes its length or type closes
	// the connection.
	for _, c := range []struct {
		name string
		hdr  func(*wiretest.Wire, int)
	}{
		{"length changes mid-message", func(b *wiretest.Wire, n int) { b.Basic(1, 3).U24(0).U24(uint32(n + 100)).U8(chunk.TypeCommandAMF0) }},
		{"type changes mid-message", func(b *wiretest.Wire, n int) { b.Basic(1, 3).U24(0).U24(uint32(n)).U8(chunk.TypeDataAMF0) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			p := connectMsg.Payload
			if len(p) <= chunk.DefaultChunkSize {
				t.Fatalf("connect of %d bytes fits one chunk", len(p))
			}
			var b wiretest.Wire
			b.Fmt0(3, 0, uint32(len(p)), chunk.TypeCommandAMF0, 0).Raw(p[:chunk.DefaultChunkSize])
			c.hdr(&b, len(p))
			b.Raw(p[chunk.DefaultChunkSize:])
			_ = rc.write(b.Bytes())
			rc.requireClosed(closedSoon)
			e.h.requireFlowing(t, c.name)
		})
	}

	// Messages of 0xFFFFFF bytes announced on every chunk stream and never
	// completed (128 bytes each): the server must not hold more than
	// MaxPendingBytes per connection, and closes them at IdleTimeout.
	t.Run("0xFFFFFF announced on every csid", func(t *testing.T) {
		const conns = 8
		var b wiretest.Wire
		for csid := uint32(3); csid < 3+uint32(lim.MaxChunkStreams); csid++ {
			b.Fmt0(csid, 0, chunk.MaxWireMessageSize, chunk.TypeVideo, 1).Fill(chunk.DefaultChunkSize, 0x17)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rcs := make([]*rawConn, conns)
		for i := range rcs {
			rcs[i] = dialRTMP(t, e.addr)
			if err := rcs[i].write(b.Bytes()); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(300 * time.Millisecond) // the server reads it all
		runtime.GC()
		runtime.ReadMemStats(&after)
		held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		t.Logf("%d connections holding partial messages on %d chunk streams: heap grew by %d KiB", conns, lim.MaxChunkStreams, held>>10)
		// Per connection: what was sent (counted against MaxPendingBytes)
		// plus the 64 KiB read and write buffers of the connection.
		allowed := int64(conns) * int64(lim.MaxPendingBytes+256<<10)
		if held > allowed {
			t.Errorf("%d connections that each sent %d bytes of partial messages on %d chunk streams made the heap grow by %.1f MiB "+
				"(%.0f KiB per connection, %.0f times what was sent); MaxPendingBytes is %d KiB: want at most %.1f MiB",
				conns, b.Len(), lim.MaxChunkStreams, float64(held)/(1<<20), float64(held)/conns/1024,
				float64(held)/conns/float64(b.Len()), lim.MaxPendingBytes>>10, float64(allowed)/(1<<20))
		}
		for _, rc := range rcs {
			rc.requireClosed(e.srv.cfg.IdleTimeout + time.Second)
		}
		e.h.requireFlowing(t, "never-completed 0xFFFFFF messages")
	})

	// Partial messages that really add up to more than MaxPendingBytes
	// close the connection.
	t.Run("pending bytes over the limit", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		var b wiretest.Wire
		b.Fmt0(2, 0, 4, chunk.TypeSetChunkSize, 0).U32(64 << 10)
		for csid := uint32(3); csid < 3+20; csid++ { // 20 × 64 KiB > 1 MiB
			b.Fmt0(csid, 0, chunk.MaxWireMessageSize, chunk.TypeVideo, 1).Fill(64<<10, 0x17)
		}
		done := make(chan struct{})
		go func() { defer close(done); _ = rc.write(b.Bytes()) }()
		rc.requireClosed(closedSoon)
		<-done
		e.h.requireFlowing(t, "pending bytes over the limit")
	})

	// 2-byte (64..319) and 3-byte (320..65599) chunk stream ids are legal,
	// and the 3-byte form of an id below 320 names the same chunk stream.
	t.Run("2- and 3-byte csids", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		m := connectMsg
		m.CSID = 100
		rc.mustSend(m)
		rc.expect("_result", chunk.StatusConnectSuccess)
		for i, csid := range []uint32{64, 319, 320, 1000, chunk.MaxCSID} {
			m := cmd(t, csid, 0, "createStream", float64(2+i), nil)
			rc.mustSend(m)
			rc.expect("_result", "")
			rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "deleteStream", 0, nil, float64(i+1)))
		}
		// csid 100 again, in the 3-byte form, as a type-1 header: it must
		// continue chunk stream 100.
		p := cmd(t, 100, 0, "createStream", 9, nil).Payload
		var b wiretest.Wire
		b.U8(1<<6 | 1).U8(100 - 64).U8(0).U24(0).U24(uint32(len(p))).U8(chunk.TypeCommandAMF0).Raw(p)
		if err := rc.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		if c := rc.expect("_result", ""); c.TransactionID != 9 {
			t.Fatalf("3-byte form of csid 100: answered %+v", c)
		}
		e.h.requireFlowing(t, "2- and 3-byte csids")
	})

	// Exactly MaxChunkStreams chunk streams are fine; one more closes the
	// connection.
	t.Run("many csids", func(t *testing.T) {
		ok := dialRTMP(t, e.addr)
		var b wiretest.Wire
		for csid := uint32(3); csid < 3+uint32(lim.MaxChunkStreams); csid++ {
			b.Fmt0(csid, 0, 4, chunk.TypeWindowAckSize, 0).U32(chunk.AckWindow)
		}
		if err := ok.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		ok.connect("live") // on csid 3, already counted

		bad := dialRTMP(t, e.addr)
		b.Reset()
		for csid := uint32(3); csid < 3+uint32(lim.MaxChunkStreams)+10; csid++ {
			b.Fmt0(csid, 0, 4, chunk.TypeWindowAckSize, 0).U32(chunk.AckWindow)
		}
		_ = bad.write(b.Bytes())
		bad.requireClosed(closedSoon)
		e.h.requireFlowing(t, "too many csids")
	})

	// Extended timestamps in type-0 headers and type-3 chunks (both
	// continuations and new messages) are parsed.
	t.Run("extended timestamps", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		m := connectMsg
		m.Timestamp = 0x12345678 // multi-chunk: type-3 chunks repeat it
		rc.mustSend(m)
		rc.expect("_result", chunk.StatusConnectSuccess)
		p := cmd(t, 9, 0, "createStream", 2, nil).Payload
		var b wiretest.Wire
		b.Fmt0(9, wiretest.ExtendedTimestamp, uint32(len(p)), chunk.TypeCommandAMF0, 0).Raw(p) // exactly 0xFFFFFF is extended
		b.Basic(3, 9).U32(wiretest.ExtendedTimestamp).Raw(p)                                   // a new message as type 3
		b.Fmt0(10, 0x7FFFFFFF, uint32(len(p)), chunk.TypeCommandAMF0, 0).Raw(p)
		if err := rc.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		ids := map[float64]bool{}
		for range 3 {
			c := rc.expect("_result", "")
			id, _ := c.Arg(0).(float64)
			ids[id] = true
		}
		if len(ids) != 3 {
			t.Fatalf("three createStream with extended timestamps gave stream ids %v", ids)
		}
		e.h.requireFlowing(t, "extended timestamps")
	})

	// Abort drops a partial message; the chunk stream then takes a new one.
	// Abort of an unknown chunk stream is ignored; a short Abort closes.
	t.Run("abort", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		p := connectMsg.Payload
		var b wiretest.Wire
		b.Fmt0(3, 0, uint32(len(p)+50), chunk.TypeCommandAMF0, 0).Raw(p[:chunk.DefaultChunkSize])
		b.Fmt0(2, 0, 4, chunk.TypeAbort, 0).U32(3)
		b.Fmt0(2, 0, 4, chunk.TypeAbort, 0).U32(50)
		b.Fmt0(2, 0, 4, chunk.TypeAbort, 0).U32(math.MaxUint32)
		var full bytes.Buffer
		w := chunk.NewWriter(&full, chunk.DefaultChunkSize)
		_ = w.WriteMessage(connectMsg)
		_ = w.Flush()
		b.Raw(full.Bytes())
		if err := rc.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		rc.expect("_result", chunk.StatusConnectSuccess)
		rc.createStream(2)

		short := dialRTMP(t, e.addr)
		b.Reset()
		b.Fmt0(2, 0, 2, chunk.TypeAbort, 0).Raw([]byte{0, 3})
		_ = short.write(b.Bytes())
		short.requireClosed(closedSoon)
		e.h.requireFlowing(t, "abort")
	})

	// The peer hanging up inside a basic header, a message header or a
	// payload: the server closes at once.
	for _, c := range []struct {
		name string
		in   func(*wiretest.Wire)
	}{
		{"EOF in a basic header", func(b *wiretest.Wire) { b.U8(1).U8(5) }},
		{"EOF in a message header", func(b *wiretest.Wire) { b.Basic(0, 3).U24(0).U8(0) }},
		{"EOF in an extended timestamp", func(b *wiretest.Wire) { b.Basic(0, 3).U24(wiretest.ExtendedTimestamp).U24(10).U8(20).LE32(0).U8(0) }},
		{"EOF in a payload", func(b *wiretest.Wire) { b.Fmt0(3, 0, 200, chunk.TypeCommandAMF0, 0).Fill(100, 2) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			var b wiretest.Wire
			c.in(&b)
			_ = rc.write(b.Bytes())
			_ = rc.c.CloseWrite()
			rc.requireClosed(closedSoon)
			e.h.requireFlowing(t, c.name)
		})
	}
}

// controlMsg returns a protocol control message of type typ with payload p
// on chunk stream 2.
func controlMsg(typ uint8, p []byte) chunk.Message {
	return chunk.Message{TypeID: typ, CSID: chunk.CSIDControl, Payload: p}
}

// TestServerHostileControl checks protocol and user control messages:
// invalid chunk sizes and short bodies close the connection, odd window
// sizes and unknown events are tolerated without harm, and a ping flood
// gets a bounded number of pongs.
func TestServerHostileControl(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())

	// Refused: chunk sizes below 128 or above 16 MiB, the reserved high
	// bit, and control messages shorter than their fields.
	for _, c := range []struct {
		name string
		m    chunk.Message
	}{
		{"SetChunkSize 0", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 0))},
		{"SetChunkSize 1", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 1))},
		{"SetChunkSize 127", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 127))},
		{"SetChunkSize 2^31-1", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, math.MaxInt32))},
		{"SetChunkSize high bit", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 0x80000000|4096))},
		{"SetChunkSize short", controlMsg(chunk.TypeSetChunkSize, []byte{0, 0x10})},
		{"SetChunkSize empty", controlMsg(chunk.TypeSetChunkSize, nil)},
		{"WinAckSize short", controlMsg(chunk.TypeWindowAckSize, []byte{0, 0, 1})},
		{"SetPeerBandwidth short", controlMsg(chunk.TypeSetPeerBandwidth, binary.BigEndian.AppendUint32(nil, chunk.AckWindow))},
		{"UserControl short", controlMsg(chunk.TypeUserControl, []byte{0})},
		{"UserControl empty", controlMsg(chunk.TypeUserControl, nil)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			_ = rc.send(c.m)
			rc.requireClosed(closedSoon)
			e.h.requireFlowing(t, c.name)
		})
	}

	// Tolerated: the extreme legal chunk sizes, odd window sizes and
	// unknown user control events; the connection keeps working.
	for _, c := range []struct {
		name string
		m    chunk.Message
	}{
		{"SetChunkSize 128", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 128))},
		{"SetChunkSize 16 MiB", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, chunk.MaxChunkSize))},
		{"WinAckSize 0", controlMsg(chunk.TypeWindowAckSize, binary.BigEndian.AppendUint32(nil, 0))},
		{"WinAckSize 0xFFFFFFFF", controlMsg(chunk.TypeWindowAckSize, binary.BigEndian.AppendUint32(nil, math.MaxUint32))},
		{"UserControl unknown event", controlMsg(chunk.TypeUserControl, []byte{0x77, 0x77, 1, 2, 3, 4})},
		{"UserControl unknown short event", controlMsg(chunk.TypeUserControl, []byte{0x12, 0x34})},
		{"UserControl ping without value", controlMsg(chunk.TypeUserControl, []byte{0, byte(chunk.EventPingRequest)})},
		{"UserControl long", controlMsg(chunk.TypeUserControl, append([]byte{0, byte(chunk.EventSetBufferLength)}, make([]byte, 1000)...))},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.mustSend(c.m)
			if c.m.TypeID == chunk.TypeSetChunkSize {
				rc.w = chunk.NewWriter(rc.c, int(binary.BigEndian.Uint32(c.m.Payload)))
			}
			rc.connect("live")
			rc.createStream(2)
			e.h.requireFlowing(t, c.name)
		})
	}

	// A window of 1 byte is raised: 2000 small messages get a few
	// acknowledgements, not one each.
	t.Run("WinAckSize 1", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		rc.connect("live")
		var buf bytes.Buffer
		w := chunk.NewWriter(&buf, chunk.DefaultChunkSize)
		_ = w.WriteMessage(controlMsg(chunk.TypeWindowAckSize, binary.BigEndian.AppendUint32(nil, 1)))
		for range 2000 {
			_ = w.WriteMessage(chunk.Message{TypeID: 0x30, CSID: 7, Payload: make([]byte, 120)})
		}
		_ = w.WriteMessage(cmd(t, chunk.CSIDCommand, 0, "createStream", 2, nil))
		_ = w.Flush()
		done := make(chan error, 1)
		go func() { done <- rc.write(buf.Bytes()) }()
		acks := 0
		for {
			m, err := rc.nextMessage(3 * time.Second)
			if err != nil {
				t.Fatalf("after %d acks: %v", acks, err)
			}
			if m.TypeID == chunk.TypeAck {
				acks++
			}
			if m.TypeID == chunk.TypeCommandAMF0 {
				break
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if most := buf.Len()/chunk.MinAckWindow + 5; acks > most {
			t.Errorf("WinAckSize 1: %d acknowledgements for %d bytes, want at most %d", acks, buf.Len(), most)
		}
		e.h.requireFlowing(t, "WinAckSize 1")
	})

	// 10000 pings in one burst get at most maxPongsPerSecond pongs per
	// second, and the connection still answers commands.
	t.Run("ping flood", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		rc.connect("live")
		var buf bytes.Buffer
		w := chunk.NewWriter(&buf, chunk.DefaultChunkSize)
		for i := range 10000 {
			_ = w.WriteMessage(chunk.UserControlMessage(chunk.EventPingRequest, uint32(i)))
		}
		_ = w.WriteMessage(cmd(t, chunk.CSIDCommand, 0, "createStream", 2, nil))
		_ = w.Flush()
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- rc.write(buf.Bytes()) }()
		pongs := 0
		for {
			m, err := rc.nextMessage(3 * time.Second)
			if err != nil {
				t.Fatalf("after %d pongs: %v", pongs, err)
			}
			if ev, _, err := chunk.ParseUserControl(m); m.TypeID == chunk.TypeUserControl && err == nil && ev == chunk.EventPingResponse {
				pongs++
			}
			if m.TypeID == chunk.TypeCommandAMF0 {
				break
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		// The budget is per calendar second: the burst may straddle some.
		most := maxPongsPerSecond * (int(time.Since(start)/time.Second) + 2)
		if pongs < 1 || pongs > most {
			t.Errorf("10000 pings got %d pongs in %v, want 1..%d", pongs, time.Since(start), most)
		}
		e.h.requireFlowing(t, "a ping flood")
	})
}

// TestServerHostileAMF checks AMF0 bodies built to exhaust the decoder or
// smuggle bad names: each is refused with the connection closed, or (long
// strings, AMF3 envelope, NaN transaction) handled correctly.
func TestServerHostileAMF(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())
	head := rtmptest.MustAMF(t, "connect", 1.0)

	// Refused at once, the connection closed.
	deep := append([]byte{}, head...)
	for range 100000 {
		deep = append(deep, amf0.MarkerObject, 0, 1, 'a')
	}
	deepArrays := append([]byte{}, head...)
	for range 100000 {
		deepArrays = append(deepArrays, amf0.MarkerStrictArray, 0, 0, 0, 1)
	}
	huge := append(amfKey(append(append([]byte{}, head...), amf0.MarkerObject), "app"), rtmptest.MustAMF(t, "live")...)
	huge = append(amfKey(huge, "x"), amf0.MarkerStrictArray, 0x7F, 0xFF, 0xFF, 0xFF)
	huge = append(huge, 0, 0, amf0.MarkerObjectEnd)
	for _, c := range []struct {
		name string
		m    chunk.Message
	}{
		{"strict array of 0x7FFFFFFF", commandWith(huge)},
		{"objects nested 100000 deep", commandWith(deep)},
		{"arrays nested 100000 deep", commandWith(deepArrays)},
		{"AMF3 value in a type-17 command", chunk.Message{TypeID: chunk.TypeCommandAMF3, CSID: chunk.CSIDCommand,
			Payload: append(append([]byte{0}, head...), amf0.MarkerAVMPlus, 0x0A, 0x0B, 0x01, 0x01)}},
		{"empty type-17 command", chunk.Message{TypeID: chunk.TypeCommandAMF3, CSID: chunk.CSIDCommand, Payload: []byte{}}},
		{"command name not a string", commandWith(rtmptest.MustAMF(t, 1.0, 1.0, connectObject("live")))},
		{"truncated object", commandWith(append(append([]byte{}, head...), amf0.MarkerObject, 0, 3, 'a', 'p', 'p', amf0.MarkerString, 0, 9))},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			_ = rc.send(c.m)
			rc.requireClosed(closedSoon)
			e.h.requireFlowing(t, c.name)
		})
	}

	// Refused with a connect _error, then closed: no command object, and
	// app names that are not allowed.
	for _, c := range []struct {
		name string
		m    chunk.Message
	}{
		{"connect without an object", commandWith(head)},
		{"connect with a null object", commandWith(rtmptest.MustAMF(t, "connect", 1.0, nil))},
		{"connect with a string object", commandWith(rtmptest.MustAMF(t, "connect", 1.0, "live"))},
		{"app of 64 KiB", cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject(strings.Repeat("a", 65535)))},
		{"app of invalid UTF-8", cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject("li\xff\xfeve"))},
		{"app with NUL", cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject("li\x00ve"))},
		{"app with a NUL query", cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject("live\x00?key=x"))},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.mustSend(c.m)
			rc.expect("_error", chunk.StatusConnectRejected)
			rc.requireClosed(closedSoon)
			e.h.requireFlowing(t, c.name)
		})
	}

	// Strings and keys of 64 KiB and a long string are within the limits:
	// connect succeeds.
	t.Run("64 KiB strings", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		obj := append(connectObject("live"),
			amf0.Property{Key: "flashVer2", Value: strings.Repeat("v", 65535)},
			amf0.Property{Key: strings.Repeat("k", 65535), Value: "x"},
			amf0.Property{Key: "long", Value: strings.Repeat("l", 100000)})
		rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "connect", 1, obj, strings.Repeat("s", 65535)))
		rc.expect("_result", chunk.StatusConnectSuccess)
		rc.createStream(2)
		e.h.requireFlowing(t, "64 KiB strings")
	})

	// A type-17 command with its AMF0 body after the format byte works.
	t.Run("AMF3 envelope", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		m := cmd(t, chunk.CSIDCommand, 0, "connect", 1, connectObject("live"))
		m.TypeID, m.Payload = chunk.TypeCommandAMF3, append([]byte{0}, m.Payload...)
		rc.mustSend(m)
		rc.expect("_result", chunk.StatusConnectSuccess)
		rc.createStream(2)
		e.h.requireFlowing(t, "an AMF3 command")
	})

	// NaN and infinite transaction ids are answered as transaction 0.
	for _, txn := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		t.Run(fmt.Sprintf("transaction %v", txn), func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "connect", txn, connectObject("live")))
			if c := rc.expect("_result", chunk.StatusConnectSuccess); c.TransactionID != 0 {
				t.Errorf("connect with transaction %v answered with transaction %v", txn, c.TransactionID)
			}
			rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "createStream", txn, nil)) // answered with nothing
			rc.createStream(2)
			e.h.requireFlowing(t, "a NaN transaction id")
		})
	}
}

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
		e.h.requireFlowing(t, "connect twice")
	})

	// Any command before connect closes the connection.
	t.Run("createStream before connect", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		_ = rc.send(cmd(t, chunk.CSIDCommand, 0, "createStream", 2, nil))
		rc.requireClosed(closedSoon)
		e.h.requireFlowing(t, "createStream before connect")
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
			e.h.requireFlowing(t, c.name+" before createStream")
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
		e.h.requireFlowing(t, "10000 createStream")
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
		e.h.requireFlowing(t, "deleteStream while publishing")
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
		e.h.requireFlowing(t, "play before publish")
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

// TestServerHostileNames checks that stream names that are not safe as
// file names, and the name of a stream already live, are refused with an
// onStatus error and the connection closed.
func TestServerHostileNames(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())
	for _, c := range []struct{ label, name string }{
		{"dot-dot", "../x"},
		{"backslash", "a\\b"},
		{"NUL", "a\x00b"},
		{"64 KiB", strings.Repeat("n", 64<<10)},
		{"dot-dot with a key", "../x?key=abc"},
		{"empty", ""},
		{"slash only", "/"},
		{"the live healthy stream", "healthy"},
	} {
		t.Run(c.label, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.connect("live")
			sid := rc.createStream(2)
			rc.mustSend(cmd(t, chunk.CSIDStream, sid, "publish", 0, nil, c.name, "live"))
			if st := chunk.StatusOf(rc.expect("onStatus", chunk.StatusPublishBadName)); st.Level != "error" {
				t.Errorf("publish %q: %+v", truncate(c.name), st)
			}
			rc.requireClosed(closedSoon)
			if s, ok := e.streamStats("live/healthy"); !ok || s.Publisher != e.h.pub.LocalAddr().String() {
				t.Errorf("live/healthy is now published by %q, want the healthy publisher %s", s.Publisher, e.h.pub.LocalAddr())
			}
			for _, s := range e.srv.Stats().Streams {
				if s.Name != "live/healthy" {
					t.Errorf("a refused name left a stream behind: %q", truncate(s.Name))
				}
			}
			e.h.requireFlowing(t, "publish of "+c.label)
		})
	}
}

// validNALs reports whether b is a sequence of non-empty NAL units, each
// prefixed by its length in size bytes, that exactly fill it.
func validNALs(b []byte, size int) bool {
	for len(b) > 0 {
		if len(b) < size {
			return false
		}
		var n uint64
		for _, c := range b[:size] {
			n = n<<8 | uint64(c)
		}
		b = b[size:]
		if n == 0 || n > uint64(len(b)) {
			return false
		}
		b = b[n:]
	}
	return true
}

// sps16k is an H.264 baseline SPS announcing 16384x16384 pixels: legal for
// ParseSPS, over the server's 8192 ingest limit.
func sps16k(t *testing.T) []byte {
	t.Helper()
	// sps_id 0, log2_max_frame_num-4 0, poc type 0, log2_max_poc_lsb-4 0,
	// 1 ref frame, no gaps, width and height 1024 MBs (ue 1023), frame
	// MBs only, direct 8x8, no cropping, no VUI, stop bit.
	bits := "1 1 1 1 010 0 " + "00000000001" + "0000000000" + " " + "00000000001" + "0000000000" + " 1 1 0 0 1"
	sps := append([]byte{0x67, 66, 0, 40}, bitString(bits)...)
	info, err := h264.ParseSPS(sps)
	if err != nil || info.Width != 16384 || info.Height != 16384 {
		t.Fatalf("built SPS parses as %+v, %v", info, err)
	}
	return sps
}

// TestServerHostileMedia checks what a publisher sends as media: empty and
// truncated tags, corrupt or oversized sequence headers, NAL lengths that
// overrun the message, a bad AAC config, and a data message past the size
// limit. The player of the bad stream must receive only valid packets, the
// server must count what it refused, and the healthy stream keeps flowing.
func TestServerHostileMedia(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
	var avcHeader, keyframe media.Packet
	for _, p := range pkts {
		switch {
		case p.Kind == media.KindVideo && p.Header:
			avcHeader = p
		case p.Kind == media.KindVideo && p.Key && keyframe.Data == nil:
			keyframe = p
		}
	}
	avcRecord, err := h264.ParseConfig(avcHeader.Data)
	if err != nil {
		t.Fatal(err)
	}
	video := func(b ...byte) chunk.Message {
		return chunk.Message{TypeID: chunk.TypeVideo, CSID: chunk.CSIDVideo, Payload: b}
	}
	audio := func(b ...byte) chunk.Message {
		return chunk.Message{TypeID: chunk.TypeAudio, CSID: chunk.CSIDAudio, Payload: b}
	}
	avcTag := func(header bool, data []byte) chunk.Message {
		pt := flv.AVCNALU
		if header {
			pt = flv.AVCSequenceHeader
		}
		return video(flv.AppendVideoTag(nil, true, pt, 0, data)...)
	}
	corrupt := []byte{1, 0x42, 0, 0x1E, 0xFF, 0xE0 | 31}
	for range 31 {
		corrupt = append(corrupt, 0x00, 0x40, 0x67, 0x42) // claims 64 bytes, has 2
	}
	big, err := h264.BuildConfig([][]byte{sps16k(t)}, avcRecord.PPS)
	if err != nil {
		t.Fatal(err)
	}
	overrun := binary.BigEndian.AppendUint32(nil, 1000)
	overrun = append(overrun, 0x65, 0x88, 0x84, 0x00, 0x33)
	// A legal header announcing 1-byte NAL lengths, and a frame that is
	// valid with 4-byte lengths but not with the announced 1-byte ones.
	oneByte := bytes.Clone(avcHeader.Data)
	oneByte[4] = 0xFC
	if cfg, err := h264.ParseConfig(oneByte); err != nil || cfg.NALULengthSize != 1 {
		t.Fatalf("1-byte NAL length header: %+v, %v", cfg, err)
	}
	fourByteFrame := append([]byte{0, 0, 1, 0}, bytes.Repeat([]byte{0xFF}, 256)...)

	for _, c := range []struct {
		name     string
		bad      []chunk.Message
		rejected uint64   // at least
		legal    [][]byte // bodies of bad that may be delivered
	}{
		{"empty and 1-byte tags", []chunk.Message{video(), audio(), video(0x17), audio(0xAF), video(0x00)}, 3, nil},
		{"corrupt AVC config", []chunk.Message{avcTag(true, corrupt), avcTag(true, corrupt[:7])}, 2, nil},
		{"NALU longer than its message", []chunk.Message{avcTag(false, overrun), avcTag(false, []byte{0, 0, 0})}, 2, nil},
		{"NALU lengths of the announced size", []chunk.Message{avcTag(true, oneByte), avcTag(false, fourByteFrame)}, 1, [][]byte{oneByte, fourByteFrame}},
		{"SPS of 16384x16384", []chunk.Message{avcTag(true, big)}, 1, nil},
		{"bad AAC config", []chunk.Message{
			audio(0xAF, flv.AACSequenceHeader, 0x00, 0x00), // object type 0
			audio(0xAF, flv.AACSequenceHeader, 0x16, 0x90), // LC, sampling index 13 (reserved)
			audio(0xAF, flv.AACSequenceHeader, 0x12),       // 1 byte
			audio(0xAF, flv.AACSequenceHeader, 0x11, 0xC0), // LC 48 kHz, channel configuration 8 (reserved)
		}, 4, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc, sid := publishRaw(t, e.addr, "bad")
			pl, err := rtmp.DialPlay(context.Background(), fmt.Sprintf("rtmp://%s/live/bad", e.addr), rtmp.PlayerOptions{Timeout: 3 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer pl.Close()
			for _, m := range c.bad {
				m.StreamID = sid
				rc.mustSend(m)
			}
			for _, p := range []media.Packet{avcHeader, keyframe} {
				m := chunk.MessageFromPacket(&p)
				m.StreamID = sid
				rc.mustSend(m)
			}
			_ = pl.SetReadDeadline(time.Now().Add(3 * time.Second))
			lengthSize := 4 // NAL length size of the last video header the player got
			for {
				p, err := pl.ReadPacket()
				if err != nil {
					t.Fatalf("the player of the bad stream: %v", err)
				}
				ok := bytes.Equal(p.Data, avcHeader.Data) || bytes.Equal(p.Data, keyframe.Data)
				for _, b := range c.legal {
					ok = ok || bytes.Equal(p.Data, b)
				}
				if !ok {
					t.Errorf("the player received a packet that is not one of the valid ones: %v header=%v %d bytes %x",
						p.Kind, p.Header, len(p.Data), p.Data[:min(len(p.Data), 16)])
				}
				if p.Kind == media.KindVideo && p.Header {
					cfg, err := h264.ParseConfig(p.Data)
					if err != nil {
						t.Errorf("the player received a corrupt AVC header: %v", err)
					} else {
						lengthSize = cfg.NALULengthSize
					}
				}
				if p.Kind == media.KindVideo && !p.Header {
					if !validNALs(p.Data, lengthSize) {
						t.Errorf("the player received a frame whose NAL units do not fit it with the %d-byte lengths its header announced: %x…",
							lengthSize, p.Data[:min(len(p.Data), 8)])
					}
					break
				}
			}
			s, ok := e.streamStats("live/bad")
			if !ok || s.RejectedFrames < c.rejected {
				t.Errorf("live/bad counts %d rejected frames (found %v), want at least %d", s.RejectedFrames, ok, c.rejected)
			}
			if c.name == "SPS of 16384x16384" && s.Video != nil && s.Video.Width > maxIngestDimension {
				t.Errorf("the refused header reached the stream info: %+v", s.Video)
			}
			e.h.requireFlowing(t, c.name)
			rc.c.Close()
			pl.Close()
			e.waitStreamGone(t, "live/bad")
		})
	}

	// A publisher that sent media and then sends only pings, or only
	// frames the server refuses, has stopped sending media: it must be
	// closed at MediaTimeout (1 s), as for a silent one.
	for _, c := range []struct {
		name string
		keep chunk.Message
	}{
		{"pings instead of media", chunk.UserControlMessage(chunk.EventPingRequest, 1)},
		{"refused frames instead of media", avcTag(false, overrun)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc, sid := publishRaw(t, e.addr, "bad")
			for _, p := range []media.Packet{avcHeader, keyframe} {
				m := chunk.MessageFromPacket(&p)
				m.StreamID = sid
				rc.mustSend(m)
			}
			keep := c.keep
			keep.StreamID = sid
			if keep.TypeID == chunk.TypeUserControl {
				keep.StreamID = 0
			}
			stop, done := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				for range 20 {
					select {
					case <-stop:
						return
					case <-time.After(300 * time.Millisecond):
					}
					if rc.send(keep) != nil {
						return
					}
				}
			}()
			start := time.Now()
			_ = rc.c.SetReadDeadline(start.Add(2500 * time.Millisecond))
			var err error
			for err == nil {
				_, err = rc.r.ReadMessage()
			}
			close(stop)
			<-done
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("a publisher sending %s was still connected %v after its last media; MediaTimeout is %v",
					c.name, time.Since(start).Round(100*time.Millisecond), e.srv.cfg.MediaTimeout)
			} else if took := time.Since(start); took > e.srv.cfg.MediaTimeout+700*time.Millisecond {
				t.Errorf("a publisher sending %s was closed %v after its last media; MediaTimeout is %v", c.name, took, e.srv.cfg.MediaTimeout)
			}
			e.h.requireFlowing(t, c.name)
			rc.c.Close()
			e.waitStreamGone(t, "live/bad")
		})
	}

	// A data message of 16 MiB is over the 8 MiB message limit: the
	// connection is closed, and its player never sees it.
	t.Run("16 MiB @flv.SetDataFrame", func(t *testing.T) {
		rc, sid := publishRaw(t, e.addr, "bad")
		pl, err := rtmp.DialPlay(context.Background(), fmt.Sprintf("rtmp://%s/live/bad", e.addr), rtmp.PlayerOptions{Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer pl.Close()
		body := append(append([]byte{}, flv.SetDataFrame...), rtmptest.MustAMF(t, "onMetaData", amf0.ECMAArray{{Key: "width", Value: 320.0}})...)
		body = append(body, make([]byte, chunk.MaxWireMessageSize-len(body))...)
		if err := rc.w.SetChunkSize(64 << 10); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = rc.send(chunk.Message{TypeID: chunk.TypeDataAMF0, CSID: chunk.CSIDData, StreamID: sid, Payload: body})
		}()
		rc.requireClosed(closedSoon)
		<-done
		_ = pl.SetReadDeadline(time.Now().Add(3 * time.Second))
		for {
			p, err := pl.ReadPacket()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the player of the bad stream: %v", err)
			}
			t.Errorf("the player received a %v packet of %d bytes", p.Kind, len(p.Data))
		}
		e.h.requireFlowing(t, "a 16 MiB data message")
		pl.Close()
		e.waitStreamGone(t, "live/bad")
	})
}

// bitString packs a string of 0s and 1s (spaces ignored) into bytes.
func bitString(s string) []byte {
	s = strings.ReplaceAll(s, " ", "")
	out := make([]byte, (len(s)+7)/8)
	for i, c := range s {
		if c == '1' {
			out[i/8] |= 0x80 >> (i % 8)
		}
	}
	return out
}
