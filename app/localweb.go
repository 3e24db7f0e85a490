package app

import (
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/seed7c1a73c4/onair/livesrc"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/server"
	"github.com/seed7c1a73c4/onair/web"
)

// HTTPOff as LocalServerConfig.HTTP turns the web side off.
const HTTPOff = "off"

// httpAddr is the web address: the one asked for, or the RTMP host on the
// next port (port 0 stays 0: any free port).
func httpAddr(asked, rtmpHost string, rtmpPort int) string {
	if asked != "" {
		return asked
	}
	port := 0
	if rtmpPort > 0 {
		port = rtmpPort + 1
	}
	return net.JoinHostPort(rtmpHost, strconv.Itoa(port))
}

// withRTMPT serves RTMPT (RTMP tunnelled over HTTP, for networks that only
// let HTTP through) on the web side's port, and everything else as h.
func withRTMPT(srv *server.Server, h http.Handler) http.Handler {
	tunnel := srv.RTMPTHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if server.IsRTMPT(r) {
			tunnel.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// webConfig wires the web side to the RTMP server: each muxer is an
// in-process player with a queue of 3 s of media at most.
func webConfig(srv *server.Server, auth server.AuthConfig, log *slog.Logger) web.Config {
	return web.Config{
		Source: livesrc.FromRTMP(srv, media.QueueLimits{MaxPackets: 2048, MaxBytes: 16 << 20, MaxDelay: 3 * time.Second}),
		API:    srv.HTTPHandler(),
		Access: webAccess(auth),
		Log:    log.With("component", "web"),
	}
}

func webAccess(a server.AuthConfig) web.Access {
	return web.Access{Keys: append(append([]string(nil), a.PlayKeys...), a.PublishKeys...), Open: a.OpenPlay}
}

// WatchURL returns the monitor page's address ("" without a web side).
// The URL for another device carries a play key once, as ?key=, when the
// server needs one: the page moves it into a cookie at once.
func (ls *LocalServer) WatchURL(key string) string {
	if ls.httpLn == nil {
		return ""
	}
	_, port, _ := net.SplitHostPort(ls.httpLn.Addr().String())
	u := "http://" + net.JoinHostPort(ls.host, port) + "/"
	if key != "" {
		u += "?key=" + key
	}
	return u
}

// SetAuth replaces the keys of the RTMP server and of the web side.
func (ls *LocalServer) SetAuth(a server.AuthConfig) {
	ls.RTMP.SetAuth(a)
	if ls.web != nil {
		ls.web.SetAccess(webAccess(a))
	}
}
