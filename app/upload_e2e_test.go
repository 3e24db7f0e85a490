package app

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
)

// throttle is a loopback TCP proxy that carries the client's bytes to
// upstream at rate bytes per second (the server's answers go back at full
// speed): an upload link too slow for the stream. Its receive buffer is
// small, as a router's queue is, so the backlog stays on the sender.
type throttle struct {
	ln       net.Listener
	upstream string
	rate     int
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

func startThrottle(t *testing.T, upstream string, rate int) *throttle {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 32<<10)
		}); err != nil {
			return err
		}
		return serr
	}}
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &throttle{ln: ln, upstream: upstream, rate: rate}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *throttle) addr() string { return p.ln.Addr().String() }

func (p *throttle) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.DialTimeout("tcp", p.upstream, 5*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); p.pace(up, c); up.Close(); c.Close() }()
		go func() { defer p.wg.Done(); _, _ = io.Copy(c, up); c.Close(); up.Close() }()
	}
}

// pace copies src to dst in 4 KiB steps, no faster than p.rate.
func (p *throttle) pace(dst io.Writer, src io.Reader) {
	buf := make([]byte, 4<<10)
	start, sent := time.Now(), 0
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			sent += n
			if ahead := time.Duration(float64(sent)/float64(p.rate)*float64(time.Second)) - time.Since(start); ahead > 0 {
				time.Sleep(ahead)
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *throttle) close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// A destination behind a link slower than the stream is named in the
// warnings within seconds, its backlog is in its own queue (not hidden in
// the kernel's send buffer), and the destination on a fast link keeps
// receiving all the while.
func TestUploadBudgetNamesASlowLink(t *testing.T) {
	fast := startSink(t, "127.0.0.1:0")
	slow := startSink(t, "127.0.0.1:0")
	out := studioOutput() // 800 kb/s video + 160 kb/s audio = 120 kB/s
	// 320 kb/s: a third of the stream; the backlog grows as long as the
	// encoder makes more than a third of its bitrate, loaded or not.
	link := startThrottle(t, slow.Addr().String(), 40_000)
	s := newTestStudio(t, t.TempDir(), func(st *Settings) {
		st.Output = out
		st.Destinations = []dest.Destination{
			{ID: "fast", Name: "Fast ingest", Service: "custom", Server: "rtmp://" + fast.Addr().String() + "/live", Key: "upload-fast-key", Enabled: true},
			{ID: "slow", Name: "Slow ingest", Service: "custom", Server: "rtmp://" + link.addr() + "/live", Key: "upload-slow-key", Enabled: true},
		}
	})
	s.GoLive()
	t0 := time.Now()
	waitFor(t, 15*time.Second, "both destinations live", func() bool {
		snap := s.Snapshot()
		return len(snap.Destinations) == 2 && snap.Destinations[0].State == dest.StateLive && snap.Destinations[1].State == dest.StateLive
	})
	// The warning is the event waited for: about 8 s on an idle machine
	// (2 s of backlog, then 5 s of it); the bound is for a stuck studio.
	var warned StudioSnapshot
	var maxQueued int
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		snap := s.Snapshot()
		for _, d := range snap.Destinations {
			if d.ID == "slow" {
				maxQueued = max(maxQueued, d.QueuedBytes)
			}
		}
		if len(snap.Warnings) > 0 {
			warned = snap
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(warned.Warnings) == 0 {
		t.Fatalf("no warning in 90 s for a destination on a 320 kb/s link carrying a 960 kb/s stream (its backlog peaked at %d bytes)", maxQueued)
	}
	t.Logf("warned %.1f s after Go Live: %v; needed %.0f kb/s, sending %.0f kb/s", time.Since(t0).Seconds(), warned.Warnings,
		warned.UploadNeeded/1000, warned.UploadMeasured/1000)
	if w := warned.Warnings[0]; len(warned.Warnings) != 1 || w.Destination != "Slow ingest" || !strings.Contains(w.Message, "falling behind") {
		t.Errorf("warnings %+v; want one, naming Slow ingest", warned.Warnings)
	}
	if warned.UploadMeasured >= warned.UploadNeeded {
		t.Errorf("sending %.0f b/s of the %.0f needed; want less while one link is too slow", warned.UploadMeasured, warned.UploadNeeded)
	}
	// The fast destination was not held back by the slow one: its backlog
	// is a small part of the slow one's (compared at one moment, so the
	// check does not depend on how fast this machine encodes), and its
	// sink keeps receiving frames.
	var fastQ, slowQ int
	for _, d := range warned.Destinations {
		switch d.ID {
		case "fast":
			fastQ = d.QueuedBytes
		case "slow":
			slowQ = d.QueuedBytes
		}
	}
	if fastQ*4 > slowQ {
		t.Errorf("when the warning came, the fast destination had %d bytes waiting and the slow one %d; want the fast one unaffected", fastQ, slowQ)
	}
	v0, _ := sinkFrames(fast, "live/upload-fast-key")
	waitFor(t, 30*time.Second, "more frames at the fast destination", func() bool {
		v, _ := sinkFrames(fast, "live/upload-fast-key")
		return v > v0+10
	})
	s.Stop()
}
