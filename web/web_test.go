package web

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/livetest"
)

const testKey = "K3Y0123456789ABCDEFGHIJKLM"

// newTestServer is a web Server over a clip source with live/cam1 live,
// and the log it writes.
func newTestServer(t testing.TB, access Access) (*Server, *livetest.Source, *bytes.Buffer) {
	t.Helper()
	src := livetest.NewSource()
	src.Add("live/cam1", livetest.ClipPackets(t, 8))
	var log syncBuffer
	s := New(Config{Source: src, Access: access, API: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"streams":[]}`)
	}), Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	t.Cleanup(s.Close)
	return s, src, &log.b
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// rawGet sends a request line as it is (no client-side cleaning of the
// path) and returns the status code.
func rawGet(t *testing.T, addr, method, target string) int {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", method, target)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestBadInput: unknown streams, bad part numbers and path traversal each
// get a plain 404 or 400, over a real connection.
func TestBadInput(t *testing.T) {
	s, _, _ := newTestServer(t, Access{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	for _, c := range []struct {
		method, target string
		want           int
	}{
		{"GET", "/live/cam1/index.m3u8", 200},
		{"GET", "/live/nope/index.m3u8", 404},
		{"GET", "/live/nope/manifest.mpd", 404},
		{"GET", "/live/cam1/video1_stream.m3u8?_HLS_msn=abc", 400},
		{"GET", "/live/cam1/video1_stream.m3u8?_HLS_part=2", 400},
		{"GET", "/live/cam1/video1_stream.m3u8?_HLS_msn=99999999&_HLS_part=0", 400},
		{"GET", "/live/cam1/x_video1_part99999.mp4", 404},
		{"GET", "/live/cam1/dash-v-99999.m4s", 404},
		{"GET", "/live/cam1/dash-v-abc.m4s", 404},
		{"GET", "/live/../../etc/passwd", 400},
		{"GET", "/live/cam1/../../../etc/passwd", 400},
		{"GET", "/live/%2e%2e/%2e%2e/etc/passwd", 400},
		{"GET", "/live/cam1/%2e%2e%2fx", 400},
		{"GET", "/live//cam1/index.m3u8", 400},
		{"GET", "/live/ca%5cm1/index.m3u8", 400},
		{"GET", "/live/ca%00m1/index.m3u8", 400},
		{"GET", "/live/" + strings.Repeat("a", 200) + "/index.m3u8", 400},
		{"GET", "/live/c%20am1/index.m3u8", 400},
		{"GET", "/assets/../web.go", 400},
		{"GET", "/assets/nope.js", 404},
		{"GET", "/nope", 404},
		{"POST", "/live/cam1/index.m3u8", 405},
		{"GET", "/", 200},
		{"GET", "/assets/vendor/hls.min.js", 200},
	} {
		if got := rawGet(t, addr, c.method, c.target); got != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.target, got, c.want)
		}
	}
}

// TestKeys: from another computer, watching needs a play or publish key,
// given once as ?key= and then kept in a cookie; the key never shows in a
// playlist, a redirect or the log.
func TestKeys(t *testing.T) {
	s, _, log := newTestServer(t, Access{Keys: []string{testKey}})
	do := func(target, remote, cookie string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.RemoteAddr = remote
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: keyCookie, Value: cookie})
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	lan, local := "192.0.2.7:50000", "127.0.0.1:50000"
	for _, c := range []struct {
		target, remote, cookie string
		want                   int
	}{
		{"/api/streams", lan, "", 403},
		{"/live/cam1/index.m3u8", lan, "", 403},
		{"/live/cam1/index.m3u8?key=WRONG0123456789ABCDEFGHIJ", lan, "", 403},
		{"/live/cam1/index.m3u8", lan, "WRONG0123456789ABCDEFGHIJ", 403},
		{"/live/cam1/index.m3u8", local, "", 200},
		{"/api/streams", lan, testKey, 200},
		{"/", lan, "", 200},
	} {
		if w := do(c.target, c.remote, c.cookie); w.Code != c.want {
			t.Errorf("GET %s from %s (cookie %v): %d, want %d", c.target, c.remote, c.cookie != "", w.Code, c.want)
		}
	}
	// The key in the query: the answer sets the cookie and lists no key.
	w := do("/live/cam1/index.m3u8?key="+testKey, lan, "")
	if w.Code != 200 || !strings.Contains(w.Header().Get("Set-Cookie"), keyCookie+"="+testKey) || !strings.Contains(w.Header().Get("Set-Cookie"), "HttpOnly") {
		t.Fatalf("GET with ?key=: %d, Set-Cookie %q", w.Code, w.Header().Get("Set-Cookie"))
	}
	var media string
	for _, l := range strings.Split(w.Body.String(), "\n") {
		if strings.HasPrefix(l, "video") {
			media = l
		}
	}
	pl := do("/live/cam1/"+media+"?key="+testKey, lan, "")
	if pl.Code != 200 || strings.Contains(pl.Body.String(), testKey) || strings.Contains(w.Body.String(), testKey) || strings.Contains(pl.Body.String(), "key=") {
		t.Errorf("the playlists with ?key=: %d\n%s\n%s", pl.Code, w.Body, pl.Body)
	}
	if mpd := do("/live/cam1/manifest.mpd?key="+testKey, lan, ""); mpd.Code != 200 || strings.Contains(mpd.Body.String(), testKey) {
		t.Errorf("the manifest with ?key=: %d\n%s", mpd.Code, mpd.Body)
	}
	// The page takes the key out of the address bar at once.
	page := do("/?key="+testKey, lan, "")
	if page.Code != http.StatusSeeOther || page.Header().Get("Location") != "/" || page.Header().Get("Set-Cookie") == "" {
		t.Errorf("GET /?key=: %d, Location %q", page.Code, page.Header().Get("Location"))
	}
	open := New(Config{Source: livetest.NewSource(), Access: Access{Open: true}, API: http.NotFoundHandler()})
	defer open.Close()
	r := httptest.NewRequest(http.MethodGet, "/live/cam1/index.m3u8", nil)
	r.RemoteAddr = lan
	ow := httptest.NewRecorder()
	open.ServeHTTP(ow, r)
	if ow.Code != http.StatusNotFound { // allowed in, and the stream is not there
		t.Errorf("open play from the LAN: %d, want 404", ow.Code)
	}
	if strings.Contains(log.String(), testKey) || !strings.Contains(log.String(), "muxing for viewers") {
		t.Errorf("the log (it must show the muxers, never the key):\n%s", log)
	}
}

// TestIdleConnectionsClosed: 1000 connections that send nothing are all
// closed by the server's timeouts, and the server still answers.
func TestIdleConnectionsClosed(t *testing.T) {
	s, _, _ := newTestServer(t, Access{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := NewHTTPServer(s, Timeouts{ReadHeader: time.Second, Write: 5 * time.Second, Idle: time.Second})
	go hs.Serve(ln)
	defer hs.Close()
	const n = 1000
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	open := 0
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
			if _, err := c.Read(make([]byte, 1)); err != io.EOF {
				mu.Lock()
				open++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if open > 0 {
		t.Errorf("%d of %d idle connections were still open after 30 s (read header timeout 1 s)", open, n)
	}
	if got := rawGet(t, ln.Addr().String(), "GET", "/"); got != 200 {
		t.Errorf("after the idle connections: GET / %d", got)
	}
}
