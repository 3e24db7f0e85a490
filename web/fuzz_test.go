package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzRequest sends any path and query to the server, with a live stream
// behind it: every answer is one of the plain statuses, nothing panics,
// and no answer carries the key.
func FuzzRequest(f *testing.F) {
	for _, seed := range [][2]string{
		{"/live/cam1/index.m3u8", ""},
		{"/live/cam1/video1_stream.m3u8", "_HLS_msn=9&_HLS_part=2"},
		{"/live/cam1/video1_stream.m3u8", "_HLS_skip=YES"},
		{"/live/cam1/manifest.mpd", "key=" + testKey},
		{"/live/cam1/dash-v-1.m4s", ""},
		{"/live/cam1/dash-a-init.mp4", ""},
		{"/live/../etc/passwd", ""},
		{"/assets/vendor/hls.min.js", ""},
		{"/", "key=" + testKey},
	} {
		f.Add(seed[0], seed[1])
	}
	s, _, _ := newTestServer(f, Access{Keys: []string{testKey}})
	allowed := map[int]bool{200: true, 303: true, 400: true, 403: true, 404: true, 405: true, 503: true}
	f.Fuzz(func(t *testing.T, path, query string) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		r := (&http.Request{Method: http.MethodGet, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{},
			RemoteAddr: "127.0.0.1:1", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}).WithContext(ctx)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if !allowed[w.Code] {
			t.Errorf("GET %q ?%q: status %d", path, query, w.Code)
		}
		if strings.Contains(w.Body.String(), testKey) || strings.Contains(w.Header().Get("Location"), testKey) {
			t.Errorf("GET %q ?%q: the answer carries the key", path, query)
		}
	})
}
