package rtmp

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// sockopts reads the TCP options of the publisher's socket.
func sockopts(t *testing.T, p *Publisher) map[string]int {
	t.Helper()
	tc, ok := p.conn.Conn.(*net.TCPConn)
	if !ok {
		t.Fatalf("%T is not a TCP connection", p.conn.Conn)
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	opts := map[string][2]int{
		"SO_KEEPALIVE":      {syscall.SOL_SOCKET, syscall.SO_KEEPALIVE},
		"TCP_KEEPIDLE":      {syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE},
		"TCP_KEEPINTVL":     {syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL},
		"TCP_KEEPCNT":       {syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT},
		"TCP_USER_TIMEOUT":  {syscall.IPPROTO_TCP, tcpUserTimeout},
		"TCP_NOTSENT_LOWAT": {syscall.IPPROTO_TCP, tcpNotSentLowat},
	}
	got := map[string]int{}
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		for name, o := range opts {
			v, err := syscall.GetsockoptInt(int(fd), o[0], o[1])
			if err != nil {
				gerr = err
			}
			got[name] = v
		}
	}); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatal(gerr)
	}
	return got
}

// TestPublisherSocketOptions checks, on the dialed socket itself, the TCP
// keepalive (5 s idle, 2 s interval, 3 probes) and TCP_USER_TIMEOUT
// (AckTimeout), that a negative AckTimeout leaves the kernel default, and
// the bound on unsent data (TCP_NOTSENT_LOWAT).
func TestPublisherSocketOptions(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	srv := startFakeServer(t, fakeOpts{}, nil)
	for _, c := range []struct {
		ack  time.Duration
		want int
	}{{0, 10_000}, {3 * time.Second, 3000}, {-1, 0}} {
		p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmp"), testKey), PublisherOptions{AckTimeout: c.ack})
		if err != nil {
			t.Fatal(err)
		}
		got := sockopts(t, p)
		_ = p.Close()
		want := map[string]int{"SO_KEEPALIVE": 1, "TCP_KEEPIDLE": 5, "TCP_KEEPINTVL": 2, "TCP_KEEPCNT": 3, "TCP_USER_TIMEOUT": c.want,
			"TCP_NOTSENT_LOWAT": notSentLowat}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("AckTimeout %v: %s = %d, want %d", c.ack, k, got[k], v)
			}
		}
	}
}
