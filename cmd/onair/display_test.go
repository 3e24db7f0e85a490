package main

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// The window's display check: no DISPLAY, Wayland only, a display nobody
// answers on, and one that answers (a listener where DISPLAY points).
func TestXDisplayProblem(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if port <= 6000 {
		t.Skipf("port %d cannot stand for an X display (6000+N)", port)
	}
	answering := "127.0.0.1:" + strconv.Itoa(port-6000) + ".0"
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	silent := "127.0.0.1:" + strconv.Itoa(free.Addr().(*net.TCPAddr).Port-6000)
	free.Close()
	for _, tc := range []struct {
		display, wayland, want string
	}{
		{"", "", "there is none here (DISPLAY is not set)"},
		{"", "wayland-0", "only Wayland is running"},
		{silent, "", "the display " + silent + " (DISPLAY) does not answer"},
		{answering, "", ""},
		{"/private/tmp/com.apple.launchd.x/org.xquartz:0", "", ""},
	} {
		got := xDisplayProblem(tc.display, tc.wayland)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("DISPLAY=%q WAYLAND_DISPLAY=%q: %q; want %q", tc.display, tc.wayland, got, tc.want)
		}
	}
}
