package web

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// keyCookie holds a viewer's key once it was given as ?key=.
const keyCookie = "onair_key"

// SetAccess replaces the play policy (after a key is added or revoked).
func (s *Server) SetAccess(a Access) {
	s.mu.Lock()
	s.access = a
	s.mu.Unlock()
}

// checkKey looks at the request's key. It reports whether the request may
// watch, and whether its query carried a valid key (the caller then sets
// the cookie, so that the key leaves the URL).
func (s *Server) checkKey(r *http.Request) (allowed, fromQuery bool) {
	s.mu.Lock()
	a := s.access
	s.mu.Unlock()
	if k := r.URL.Query().Get("key"); k != "" && server.KeyMatches(k, a.Keys) {
		return true, true
	}
	if c, err := r.Cookie(keyCookie); err == nil && server.KeyMatches(c.Value, a.Keys) {
		return true, false
	}
	return a.Open || isLoopback(r.RemoteAddr), false
}

// setKeyCookie keeps the query's key in a cookie for the later requests
// (segments, the stream list), which then carry no key in their URLs.
func setKeyCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: keyCookie, Value: r.URL.Query().Get("key"), Path: "/",
		MaxAge: int((30 * 24 * time.Hour).Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// withoutKey returns the request's query without its key.
func withoutKey(r *http.Request) string {
	q := r.URL.Query()
	if !q.Has("key") {
		return r.URL.RawQuery
	}
	q.Del("key")
	return q.Encode()
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// cleanURL is u without its query, for a redirect.
func cleanURL(u *url.URL, query string) string {
	v := url.URL{Path: u.Path, RawQuery: query}
	return v.String()
}
