package server

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
	"github.com/seed7c1a73c4/onair/rtmp/internal/wiretest"
)

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
		e.requireFlowing(t, "a silent connection")
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
		e.requireFlowing(t, "a dripping handshake")
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
			e.requireFlowing(t, c.name)
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
		e.requireFlowing(t, "a truncated RTMPE C1")
	})

	// An HTTP request on the RTMP port is refused at once.
	t.Run("http request", func(t *testing.T) {
		rc := dialTCP(t, e.addr)
		_ = rc.write([]byte("GET /live/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: probe\r\n\r\n"))
		took, n := rc.requireClosed(3 * time.Second)
		if took > 500*time.Millisecond || n != 0 {
			t.Errorf("HTTP: closed after %v with %d bytes answered; want at once and nothing", took, n)
		}
		e.requireFlowing(t, "an HTTP request")
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
			e.requireFlowing(t, "a truncated C2")
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
		e.requireFlowing(t, "200 aborted handshakes")
	})
}
