package server

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// A connection refused at a limit leaves a warning that names the limit and
// its flag, once per limit and period, however many are refused; loopback
// peers are held to the total limit only.
func TestServerLogsConnectionsRefusedAtALimit(t *testing.T) {
	cfg := hostileConfig()
	cfg.MaxConns, cfg.MaxConnsPerIP = 2, 1
	log, logs := rtmptest.DebugLogger()
	cfg.Log = log
	srv, addr := startServer(t, cfg)

	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 2 { // both loopback: the per-IP limit of 1 does not apply
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	deadline := time.Now().Add(3 * time.Second)
	for srv.Stats().Accepted < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := srv.Stats().Accepted; got != 2 {
		t.Fatalf("accepted %d loopback connections with MaxConnsPerIP 1; want 2 (loopback counts toward the total only)", got)
	}
	for range 5 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	waitLog(t, logs, "connection refused")
	for srv.Stats().Refused < 5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := logs.String()
	if n := strings.Count(got, "connection refused"); n != 1 || !strings.Contains(got, "--max-conns raises it") {
		t.Errorf("%d refusal lines for %d refusals within %v; want 1, naming --max-conns:\n%s", n, srv.Stats().Refused, refusalLogEvery, got)
	}

}

// The per-IP limit holds for a remote address and not for loopback.
func TestServerPerIPLimitIsForRemoteAddresses(t *testing.T) {
	cfg := hostileConfig()
	cfg.MaxConnsPerIP = 3
	srv := New(cfg)
	defer srv.Close()
	remote, local := netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("127.0.0.1")
	srv.mu.Lock()
	srv.perIP[remote], srv.perIP[local] = 3, 3
	remoteProblem, localProblem := srv.admitProblem(remote), srv.admitProblem(local)
	srv.mu.Unlock()
	if !strings.Contains(remoteProblem, "--max-conns-per-ip") {
		t.Errorf("a remote address at its limit: %q; want the per-IP limit and its flag", remoteProblem)
	}
	if localProblem != "" {
		t.Errorf("loopback at the per-IP count: %q; want it admitted", localProblem)
	}
}

// The rate limit: one line per period and limit, with the count since.
func TestRefusalLogCountsWhatItDidNotLog(t *testing.T) {
	log, logs := rtmptest.DebugLogger()
	var r refusalLog
	t0 := time.Unix(1000, 0)
	ip := netip.MustParseAddr("192.0.2.7")
	r.note(log, t0, "limit A", ip)
	r.note(log, t0.Add(time.Second), "limit A", ip)
	r.note(log, t0.Add(2*time.Second), "limit A", ip)
	r.note(log, t0.Add(2*time.Second), "limit B", ip)
	r.note(log, t0.Add(refusalLogEvery+time.Second), "limit A", ip)
	got := logs.String()
	if strings.Count(got, "limit A") != 2 || strings.Count(got, "limit B") != 1 || !strings.Contains(got, "refused_since_last_line=2") {
		t.Errorf("log:\n%s\nwant two lines for limit A (the second counting 2 unlogged) and one for limit B", got)
	}
}
