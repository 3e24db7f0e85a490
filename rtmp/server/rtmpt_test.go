package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rtmptPost sends one RTMPT request and returns the status and body.
func rtmptPost(t *testing.T, base, path string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(base+path, "application/x-fcs", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("POST %s: reading the reply: %v", path, err)
	}
	return resp.StatusCode, b
}

// rtmptOpen opens a session and returns its ID.
func rtmptOpen(t *testing.T, base string) string {
	t.Helper()
	code, b := rtmptPost(t, base, "/open/1", []byte{0})
	if code != http.StatusOK || !bytes.HasSuffix(b, []byte("\n")) {
		t.Fatalf("open: %d %q; want 200 and \"ID\\n\"", code, b)
	}
	return strings.TrimSpace(string(b))
}

// waitConns waits, up to 5 s, for the server to hold n connections.
func waitConns(t *testing.T, srv *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for srv.Stats().Connections != n {
		if time.Now().After(deadline) {
			t.Fatalf("the server holds %d connections; want %d", srv.Stats().Connections, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// An RTMPT session is a connection of the server: its handshake runs over
// send and idle requests (S2 echoes C1), IDs are long, random and
// distinct, unknown IDs and bad requests are refused, close ends the
// session, and one that stops making requests expires.
func TestRTMPTSessions(t *testing.T) {
	cfg := hostileConfig()
	cfg.TunnelIdle = 300 * time.Millisecond
	srv, _ := startServer(t, cfg)
	web := httptest.NewServer(srv.RTMPTHandler())
	defer web.Close()

	id := rtmptOpen(t, web.URL)
	other := rtmptOpen(t, web.URL)
	if len(id) < 26 || id == other {
		t.Fatalf("session IDs %q and %q; want distinct IDs of 128 random bits", id, other)
	}
	waitConns(t, srv, 2)

	c1 := make([]byte, 1+1536)
	c1[0] = 3
	for i := range c1[9:] {
		c1[9+i] = byte(i * 7)
	}
	code, reply := rtmptPost(t, web.URL, "/send/"+id+"/1", c1)
	if code != http.StatusOK || len(reply) == 0 || reply[0] != tunnelPollHint {
		t.Fatalf("send: %d, %d bytes; want 200 and the polling byte first", code, len(reply))
	}
	got := reply[1:]
	for seq := 2; len(got) < 1+2*1536 && seq < 100; seq++ {
		_, reply = rtmptPost(t, web.URL, "/idle/"+id+"/"+strconv.Itoa(seq), []byte{0})
		got = append(got, reply[1:]...)
		rtmptPost(t, web.URL, "/idle/"+other+"/"+strconv.Itoa(seq), []byte{0}) // keeps the other session alive
	}
	if len(got) < 1+2*1536 || got[0] != 3 || !bytes.Equal(got[1+1536:1+2*1536], c1[1:]) {
		t.Fatalf("the handshake reply is %d bytes; want S0=3, S1, and S2 echoing C1", len(got))
	}

	for _, c := range []struct {
		method, path string
		want         int
	}{
		{http.MethodPost, "/idle/" + strings.Repeat("A", 26) + "/5", http.StatusNotFound},
		{http.MethodPost, "/idle/" + id + "/x", http.StatusNotFound},
		{http.MethodPost, "/fcs/ident2", http.StatusNotFound},
		{http.MethodGet, "/idle/" + id + "/5", http.StatusMethodNotAllowed},
	} {
		req, _ := http.NewRequest(c.method, web.URL+c.path, strings.NewReader("\x00"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s %s: %d; want %d", c.method, c.path, resp.StatusCode, c.want)
		}
	}

	if code, _ := rtmptPost(t, web.URL, "/close/"+id+"/200", []byte{0}); code != http.StatusOK {
		t.Errorf("close: %d; want 200", code)
	}
	if code, _ := rtmptPost(t, web.URL, "/idle/"+id+"/201", []byte{0}); code != http.StatusNotFound {
		t.Errorf("a closed session answered %d; want 404", code)
	}
	// The other session makes no more requests: it expires.
	waitConns(t, srv, 0)
	if code, _ := rtmptPost(t, web.URL, "/idle/"+other+"/300", []byte{0}); code != http.StatusNotFound {
		t.Errorf("an expired session answered %d; want 404", code)
	}
}

// A session counts as a connection: past MaxConns, open gets 503.
func TestRTMPTRespectsTheConnectionLimit(t *testing.T) {
	cfg := hostileConfig()
	cfg.MaxConns = 1
	srv, _ := startServer(t, cfg)
	web := httptest.NewServer(srv.RTMPTHandler())
	defer web.Close()
	rtmptOpen(t, web.URL)
	if code, _ := rtmptPost(t, web.URL, "/open/1", []byte{0}); code != http.StatusServiceUnavailable {
		t.Errorf("open past MaxConns: %d; want 503", code)
	}
	if st := srv.Stats(); st.Connections != 1 || st.Refused != 1 {
		t.Errorf("stats %+v; want 1 connection and 1 refused", st)
	}
}
