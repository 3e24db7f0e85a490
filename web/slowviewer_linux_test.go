package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/livetest"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// TestSlowViewerDropped: a viewer that stops reading in the middle of a
// segment is dropped by the write timeout, while the others are served.
func TestSlowViewerDropped(t *testing.T) {
	src := livetest.NewSource()
	path := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 8, VideoBitrate: "4000k"})
	src.Add("live/big", livetest.FileClipPackets(t, path))
	s := New(Config{Source: src})
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	closed := map[string]time.Time{}
	// Long read and idle timeouts: only the write timeout may drop the viewer.
	hs := NewHTTPServer(s, Timeouts{ReadHeader: time.Minute, Write: 2 * time.Second, Idle: time.Minute})
	setBuffer := hs.ConnState
	hs.ConnState = func(c net.Conn, st http.ConnState) {
		setBuffer(c, st)
		if st == http.StateClosed {
			mu.Lock()
			closed[c.RemoteAddr().String()] = time.Now()
			mu.Unlock()
		}
	}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	if code := getStatus(t, base+"/live/big/manifest.mpd"); code != 200 {
		t.Fatalf("manifest: %d", code)
	}
	// The stalled viewer: a 4 KiB receive buffer, and it never reads.
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		if err != nil {
			return err
		}
		return serr
	}}
	c, err := d.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	fmt.Fprintf(c, "GET /live/big/dash-v-1.m4s HTTP/1.1\r\nHost: x\r\n\r\n")
	// Others are served meanwhile.
	for _, f := range []string{"dash-v-2.m4s", "dash-a-1.m4s", "index.m3u8"} {
		if code := getStatus(t, base+"/live/big/"+f); code != 200 {
			t.Errorf("another viewer's %s: %d", f, code)
		}
	}
	me := c.LocalAddr().String()
	for i := 0; i < 300; i++ { // 30 s at most
		mu.Lock()
		at, ok := closed[me]
		mu.Unlock()
		if ok {
			t.Logf("the stalled viewer was dropped %s after its request (write timeout 2 s)", at.Sub(start).Round(10*time.Millisecond))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the stalled viewer was still connected 30 s after its request (write timeout 2 s)")
}

func getStatus(t *testing.T, url string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
