package app

import (
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// When another program holds the local server's port, the studio says so
// (and what port is free), Go Live with no destination says why it cannot
// go live instead of doing nothing, and another port fixes both.
func TestStudioLocalServerPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	s := newTestStudioOn(t, t.TempDir(), busy.Addr().String(), func(st *Settings) { st.Output = studioOutput() })

	snap := s.Snapshot()
	srv := snap.Server
	if srv.On || !srv.PortInUse || srv.Port != port || srv.FreePort == 0 || srv.FreePort == port ||
		!strings.Contains(srv.Error, "port "+strconv.Itoa(port)+" is already in use by another program") {
		t.Fatalf("server status %+v; want off, port %d in use (said in Error), and a free port", srv, port)
	}
	if !strings.Contains(snap.Error, "Go Live has nowhere to send the program") {
		t.Errorf("the studio's problem before Go Live: %q; want that Go Live has nowhere to send the program", snap.Error)
	}

	s.GoLive()
	waitFor(t, 5*time.Second, "Go Live to be refused with a reason", func() bool {
		snap := s.Snapshot()
		return !snap.Live && strings.Contains(snap.Error, "nowhere to send") && strings.Contains(snap.Error, "port "+strconv.Itoa(port)+" is in use")
	})

	s.SetLocalServerPort(srv.FreePort)
	waitFor(t, 5*time.Second, "the server on the free port", func() bool {
		snap := s.Snapshot()
		return snap.Server.On && snap.Server.Port == srv.FreePort && snap.Server.Error == "" && snap.Error == "" && snap.ProgramPlayURL != ""
	})
	s.GoLive()
	waitFor(t, 5*time.Second, "live on the local server", func() bool { return s.Snapshot().Live })
}

// The addresses printed for cameras: every usable one, private IPv4 first,
// a public or test-range IPv4 too (some hosts have no other), never
// loopback or link-local; none at all is said, not replaced by 127.0.0.1.
func TestNetworkHosts(t *testing.T) {
	var addrs []netip.Addr
	for _, s := range []string{"127.0.0.1", "192.0.2.2", "fe80::1", "169.254.3.4", "10.0.0.5", "2001:db8::5", "::ffff:192.168.1.2", "0.0.0.0", "::1", "10.0.0.5"} {
		addrs = append(addrs, netip.MustParseAddr(s))
	}
	want := []string{"10.0.0.5", "192.168.1.2", "192.0.2.2", "2001:db8::5"}
	if got := networkHosts(addrs); !slices.Equal(got, want) {
		t.Errorf("networkHosts = %v; want %v", got, want)
	}
	if host, hosts := urlHosts("0.0.0.0", true, []netip.Addr{netip.MustParseAddr("192.0.2.2")}); host != "192.0.2.2" || !slices.Equal(hosts, []string{"192.0.2.2"}) {
		t.Errorf("a host whose only address is 192.0.2.2: %q %v", host, hosts)
	}
	if host, hosts := urlHosts("0.0.0.0", true, []netip.Addr{netip.MustParseAddr("127.0.0.1")}); host != "127.0.0.1" || hosts != nil {
		t.Errorf("no network address: %q %v; want 127.0.0.1 for this computer's URLs and no LAN host", host, hosts)
	}
	if host, hosts := urlHosts("127.0.0.1", false, addrs); host != "127.0.0.1" || hosts != nil {
		t.Errorf("loopback: %q %v", host, hosts)
	}
	t.Logf("this computer's addresses for cameras: %v", networkHosts(interfaceAddrs()))
}
