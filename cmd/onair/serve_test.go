package main

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
)

// A second server on a port already in use says so once, in one line, and
// suggests another --listen port.
func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--listen", addr}, &stdout, &stderr)
	out := stderr.String()
	_, port, _ := net.SplitHostPort(addr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if code != 1 || strings.Count(out, "in use") != 1 || !strings.Contains(last, "port "+port+" is already in use") ||
		!strings.Contains(last, "--listen 127.0.0.1:") || strings.Contains(last, "--listen "+addr) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and one line saying port %s is in use once, with another --listen 127.0.0.1:PORT", code, out, port)
	}
	p, _ := strconv.Atoi(port)
	if i := strings.LastIndex(last, ":"); i < 0 || last[i+1:] == strconv.Itoa(p) {
		t.Errorf("the suggested port is the one in use: %s", last)
	}
}
