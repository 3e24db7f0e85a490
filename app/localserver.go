package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/seed7c1a73c4/onair/app/store"
	"github.com/seed7c1a73c4/onair/app/watch"
	"github.com/seed7c1a73c4/onair/rtmp"

	"github.com/seed7c1a73c4/onair/rtmp/server"
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
	Server server.Config
}

// LocalServer is the running built-in server.
type LocalServer struct {
	RTMP *server.Server
	// Decoded decodes incoming streams once for their tiles and the scene
	// layers that show them.
	Decoded *watch.Hub
	// PublishKeys are the keys in force (configured and generated).
	PublishKeys []string
	// GeneratedKeys are the keys this start generated (to show once).
	GeneratedKeys []string

	log      *slog.Logger
	host     string   // host to put in URLs
	lan      bool     // listening beyond this computer
	hosts    []string // every address other computers can reach it at (LAN mode)
	port     int
	http     *http.Server
	httpLn   net.Listener
	httpErr  chan error
	web      *web.Server
	httpOnce sync.Once
}

// ErrLANNeedsKeys is returned for a LAN listener without keys.
var ErrLANNeedsKeys = errors.New("listening beyond this computer needs publish keys: add --generate-key or --publish-key KEY (or --insecure-open to allow anyone on the network to publish)")

// PortInUseError is StartLocalServer's error when another program holds
// the port. Its message is one sentence without a remedy: the command line
// suggests --listen, the window a port field.
type PortInUseError struct {
	Host string
	Port int
	Err  error
}

// Error is the one sentence, without a remedy.
func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d is already in use by another program (another onair serve or studio window, nginx-rtmp, OBS…)", e.Port)
}

// Unwrap returns the listener's error (EADDRINUSE in its chain).
func (e *PortInUseError) Unwrap() error { return e.Err }

// FreePortNear returns the first port after e.Port, within 20, that nothing
// listens on at e.Host, or 0. It only binds and closes a listener: the
// port may be taken again before it is used.
func (e *PortInUseError) FreePortNear() int {
	for p := e.Port + 1; p <= min(e.Port+20, 65535); p++ {
		ln, err := net.Listen("tcp", net.JoinHostPort(e.Host, strconv.Itoa(p)))
		if err == nil {
			ln.Close()
			return p
		}
	}
	return 0
}

// StartLocalServer validates cfg, binds the RTMP (and HTTP) ports and
// starts serving. Secrets registers the keys so no log shows them.
func StartLocalServer(cfg LocalServerConfig, secrets *store.Secrets, log *slog.Logger) (*LocalServer, error) {
	if cfg.Listen == "" {
		cfg.Listen = server.DefaultAddr
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
		k := server.GenerateKey()
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
	ls.lan = lan
	ls.host, ls.hosts = urlHosts(host, lan, interfaceAddrs())

	sc := cfg.Server
	sc.Addr = cfg.Listen
	sc.Log = log
	sc.Auth = server.AuthConfig{PublishKeys: keys, PlayKeys: cfg.PlayKeys, OpenPlay: cfg.OpenPlay,
		MaxFailures: sc.Auth.MaxFailures, FailureWindow: sc.Auth.FailureWindow}
	ls.RTMP = server.New(sc)
	ls.Decoded = watch.NewHub(ls.RTMP, log)
	if err := ls.RTMP.Listen(); err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, &PortInUseError{Host: host, Port: port, Err: err}
		}
		return nil, err
	}
	if a, ok := ls.RTMP.Addr().(*net.TCPAddr); ok {
		ls.port = a.Port
	}
	if cfg.HTTP != HTTPOff {
		if err := ls.startHTTP(httpAddr(cfg.HTTP, host, port), sc.Auth); err != nil { // asked for port 0: any free port
			ls.RTMP.Close()
			return nil, err
		}
	}
	return ls, nil
}

func (ls *LocalServer) startHTTP(addr string, auth server.AuthConfig) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening for HTTP on %s (choose another address with --http, or --http off): %w", addr, err)
	}
	ls.httpLn = ln
	ls.web = web.New(webConfig(ls.RTMP, auth, ls.log))
	ls.http = web.NewHTTPServer(withRTMPT(ls.RTMP, ls.web), web.DefaultTimeouts())
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
	ls.Decoded.Close()
	return ls.RTMP.Close()
}

// IncomingName reports whether url plays one of this server's streams (an
// rtmp:// URL to a loopback address or one of the server's own, at its
// port) and gives the stream's key ("live/cam"), any key in it taken off.
func (ls *LocalServer) IncomingName(url string) (string, bool) {
	t, err := rtmp.ParseTarget(url, "")
	if err != nil || t.Scheme != "rtmp" || t.Port != ls.port {
		return "", false
	}
	if !isLoopbackHost(t.Host) && t.Host != ls.host && !slices.Contains(ls.hosts, t.Host) {
		return "", false
	}
	name := t.Name
	if t.Query != "" {
		name += "?" + t.Query
	}
	return ls.RTMP.StreamKey(t.App, name)
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
}

// urlHosts picks the hosts for URLs: the listen host, or in LAN mode on a
// wildcard address, every usable address of this computer's interfaces
// (addrs), with 127.0.0.1 for the URLs when it has none.
func urlHosts(h string, lan bool, addrs []netip.Addr) (host string, hosts []string) {
	if !lan {
		if h == "" {
			return "127.0.0.1", nil
		}
		return h, nil
	}
	if a, err := netip.ParseAddr(h); err == nil && !a.IsUnspecified() {
		return h, []string{h}
	}
	hosts = networkHosts(addrs)
	if len(hosts) == 0 {
		return "127.0.0.1", nil
	}
	return hosts[0], hosts
}

// LANHosts returns, in LAN mode, every address of this computer that other
// computers may reach the server at (private IPv4 first, then other IPv4,
// then global IPv6), and nil otherwise or when there is none: then only
// this computer can reach it, until it joins a network.
func (ls *LocalServer) LANHosts() []string { return append([]string(nil), ls.hosts...) }

// LAN reports whether the server listens beyond this computer.
func (ls *LocalServer) LAN() bool { return ls.lan }

// networkHosts keeps the addresses another computer can use: not loopback,
// not link-local, not multicast or unspecified; private IPv4 first (the
// usual home or office network), then other IPv4 (a public or test-range
// address is the only one some hosts have), then global IPv6.
func networkHosts(addrs []netip.Addr) []string {
	var private, other, v6 []string
	seen := map[netip.Addr]bool{}
	for _, a := range addrs {
		a = a.Unmap()
		if seen[a] || !a.IsValid() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsMulticast() || a.IsUnspecified() {
			continue
		}
		seen[a] = true
		switch {
		case a.Is4() && a.IsPrivate():
			private = append(private, a.String())
		case a.Is4():
			other = append(other, a.String())
		case a.IsGlobalUnicast():
			v6 = append(v6, a.String())
		}
	}
	return append(append(private, other...), v6...)
}

// interfaceAddrs returns the addresses of the interfaces that are up.
func interfaceAddrs() []netip.Addr {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil {
				out = append(out, p.Addr())
			}
		}
	}
	return out
}
