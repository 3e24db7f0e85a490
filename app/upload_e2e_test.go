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
	out := studioOutput()                                  // 800 kb/s video + 160 kb/s audio = 120 kB/s
	link := startThrottle(t, slow.Addr().String(), 40_000) // 320 kb/s
	s := newTestStudio(t, t.TempDir(), func(st *Settings) {
		st.Output = out
		st.Destinations = []Destination{
			{ID: "fast", Name: "Fast ingest", Service: "custom", Server: "rtmp://" + fast.Addr().String() + "/live", Key: "upload-fast-key", Enabled: true},
			{ID: "slow", Name: "Slow ingest", Service: "custom", Server: "rtmp://" + link.addr() + "/live", Key: "upload-slow-key", Enabled: true},
		}
	})
	s.GoLive()
	t0 := time.Now()
	waitFor(t, 15*time.Second, "both destinations live", func() bool {
		snap := s.Snapshot()
		return len(snap.Destinations) == 2 && snap.Destinations[0].State == StateLive && snap.Destinations[1].State == StateLive
	})
	var warned StudioSnapshot
	var maxQueued int
	deadline := time.Now().Add(40 * time.Second)
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
		t.Fatalf("no warning in 40 s for a destination on a 320 kb/s link carrying a 960 kb/s stream (its backlog peaked at %d bytes)", maxQueued)
	}
	t.Logf("warned %.1f s after Go Live: %v; needed %.0f kb/s, sending %.0f kb/s", time.Since(t0).Seconds(), warned.Warnings,
		warned.UploadNeeded/1000, warned.UploadMeasured/1000)
	if w := warned.Warnings[0]; len(warned.Warnings) != 1 || w.Destination != "Slow ingest" || !strings.Contains(w.Message, "falling behind") {
		t.Errorf("warnings %+v; want one, naming Slow ingest", warned.Warnings)
	}
	if warned.UploadMeasured >= warned.UploadNeeded {
		t.Errorf("sending %.0f b/s of the %.0f needed; want less while one link is too slow", warned.UploadMeasured, warned.UploadNeeded)
	}
	// The fast destination was not held back: it has about all the frames
	// sent so far (30 fps since it went live).
	v, _ := sinkFrames(fast, "live/upload-fast-key")
	if want := uint64(time.Since(t0).Seconds()*30) * 8 / 10; v < want {
		t.Errorf("the fast destination got %d video frames in %.1f s; want at least %d", v, time.Since(t0).Seconds(), want)
	}
	s.Stop()
}
