package app

import (
	"net"
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
