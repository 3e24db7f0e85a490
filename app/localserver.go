package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/web"
)

// LocalServerConfig configures the built-in RTMP server.
type LocalServerConfig struct {
	// Listen is the RTMP address (default 127.0.0.1:1935: this computer only).
	Listen string
	// HTTP is the address of the web side: the monitor page, HLS, DASH,
	// /api/streams and /metrics. Empty means the RTMP host on the port
	// after the RTMP port (127.0.0.1:1936 by default); "off" turns it off.
	HTTP string
	// PublishKeys and PlayKeys are the accepted keys. GenerateKey adds a
	// fresh publish key.
	PublishKeys, PlayKeys []string
	GenerateKey           bool
	// InsecureOpen allows a LAN listener without publish keys.
	InsecureOpen bool
	// OpenPlay lets every address play without a key.
	OpenPlay bool
	// Server carries the limits and timeouts; Addr, Auth and Log are set here.
	Server rtmp.ServerConfig
}

// LocalServer is the running built-in server.
type LocalServer struct {
	RTMP *rtmp.Server
	// PublishKeys are the keys in force (configured and generated).
	PublishKeys []string
	// GeneratedKeys are the keys this start generated (to show once).
	GeneratedKeys []string

	log      *slog.Logger
	host     string // host to put in URLs
	lan      bool
	port     int
	http     *http.Server
	httpLn   net.Listener
	httpErr  chan error
	web      *web.Server
	httpOnce sync.Once
}

// ErrLANNeedsKeys is returned for a LAN listener without keys.
var ErrLANNeedsKeys = errors.New("listening beyond this computer needs publish keys: add --generate-key or --publish-key KEY (or --insecure-open to allow anyone on the network to publish)")

// StartLocalServer validates cfg, binds the RTMP (and HTTP) ports and
// starts serving. Secrets registers the keys so no log shows them.
func StartLocalServer(cfg LocalServerConfig, secrets *Secrets, log *slog.Logger) (*LocalServer, error) {
	if cfg.Listen == "" {
		cfg.Listen = rtmp.DefaultServerAddr
	}
	host, portStr, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("invalid listen address %q: use HOST:PORT, e.g. 127.0.0.1:1935", cfg.Listen)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("invalid listen port %q", portStr)
	}
	keys := append([]string(nil), cfg.PublishKeys...)
	ls := &LocalServer{port: port, log: log}
	if cfg.GenerateKey {
		k := rtmp.GenerateKey()
		keys = append(keys, k)
		ls.GeneratedKeys = append(ls.GeneratedKeys, k)
	}
	for _, k := range append(append([]string(nil), keys...), cfg.PlayKeys...) {
		if len(k) < 16 {
			return nil, errors.New("a key must have at least 16 characters (generate one with --generate-key)")
		}
		secrets.Add(k)
	}
	lan := !isLoopbackHost(host)
	if lan && len(keys) == 0 && !cfg.InsecureOpen {
		return nil, ErrLANNeedsKeys
	}
	ls.PublishKeys = keys
	ls.host, ls.lan = urlHost(host, lan), lan

	sc := cfg.Server
	sc.Addr = cfg.Listen
	sc.Log = log
	sc.Auth = rtmp.AuthConfig{PublishKeys: keys, PlayKeys: cfg.PlayKeys, OpenPlay: cfg.OpenPlay,
		MaxFailures: sc.Auth.MaxFailures, FailureWindow: sc.Auth.FailureWindow}
	ls.RTMP = rtmp.NewServer(sc)
	if err := ls.RTMP.Listen(); err != nil {
		return nil, err
	}
	if a, ok := ls.RTMP.Addr().(*net.TCPAddr); ok {
		ls.port = a.Port
	}
	if cfg.HTTP != HTTPOff {
		if err := ls.startHTTP(httpAddr(cfg.HTTP, host, ls.port), sc.Auth); err != nil {
			ls.RTMP.Close()
			return nil, err
		}
	}
	return ls, nil
}

func (ls *LocalServer) startHTTP(addr string, auth rtmp.AuthConfig) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening for HTTP on %s (choose another address with --http, or --http off): %w", addr, err)
	}
	ls.httpLn = ln
	ls.web = web.New(webConfig(ls.RTMP, auth, ls.log))
	ls.http = web.NewHTTPServer(ls.web, web.DefaultTimeouts())
	ls.httpErr = make(chan error, 1)
	go func() { ls.httpErr <- ls.http.Serve(ln) }()
	return nil
}

// HTTPAddr returns the web address (host:port as bound), or "" when there is none.
func (ls *LocalServer) HTTPAddr() string {
	if ls.httpLn == nil {
		return ""
	}
	return ls.httpLn.Addr().String()
}

// Port returns the RTMP port the server listens on.
func (ls *LocalServer) Port() int { return ls.port }

// RTMPAddr returns host:port as it goes into URLs (the LAN IP in LAN mode).
func (ls *LocalServer) RTMPAddr() string { return net.JoinHostPort(ls.host, strconv.Itoa(ls.port)) }

// PublishURLs returns, for stream name and key, the URL with ?key= and
// the camera form with the key inside the stream name.
func (ls *LocalServer) PublishURLs(name, key string) (query, camera string) {
	base := "rtmp://" + ls.RTMPAddr() + "/live/" + name
	if key == "" {
		return base, base
	}
	return base + "?key=" + key, base + "_" + key
}

// PlayURL returns the URL players use for name.
func (ls *LocalServer) PlayURL(name string) string {
	return "rtmp://" + ls.RTMPAddr() + "/live/" + name
}

// Close stops the HTTP and RTMP servers and waits for them.
func (ls *LocalServer) Close() error {
	if ls.http != nil {
		ls.httpOnce.Do(func() { // Close may be called twice
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			_ = ls.http.Shutdown(ctx)
			cancel()
			_ = ls.http.Close()
			<-ls.httpErr
			ls.web.Close()
		})
	}
	return ls.RTMP.Close()
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
}

// urlHost picks the host for URLs: the listen host, or in LAN mode on a
// wildcard address, this computer's LAN IP (read from its interfaces).
func urlHost(h string, lan bool) string {
	if !lan {
		if h == "" {
			return "127.0.0.1"
		}
		return h
	}
	if a, err := netip.ParseAddr(h); err == nil && !a.IsUnspecified() {
		return h
	}
	if ip := lanIP(); ip != "" {
		return ip
	}
	return "127.0.0.1"
}

// lanIP returns the first private IPv4 address of an interface that is up.
func lanIP() string {
	ifs, err := net.Interfaces()
	if err != nil {
		return ""
	}
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Is4() && p.Addr().IsPrivate() {
				return p.Addr().String()
			}
		}
	}
	return ""
}
