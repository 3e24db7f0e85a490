package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return "" }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// serveGCPercent is the Go collector's target for `onair serve` unless
// $GOGC says otherwise. A fan-out server's live heap is small (its players'
// buffers and the media in flight: 5 MB with 200 players of a 4.7 Mb/s
// stream) and its garbage is the media itself, so the default (100) lets
// the heap swing to twice the live heap between collections. At 50 the
// server collects about once a second instead of every two (gctrace: some
// 7 ms of CPU each, about 2% of that server's CPU more) and its RSS with
// 200 players was 47 MB instead of 52.
const serveGCPercent = 50

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	setGCPercent(serveGCPercent)
	secrets := &store.Secrets{}
	cfg := app.LocalServerConfig{Server: server.DefaultConfig()}
	sc := &cfg.Server
	fs := flag.NewFlagSet("onair serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Listen, "listen", server.DefaultAddr, "RTMP listen address; 0.0.0.0:1935 opens it to the LAN (needs keys)")
	fs.StringVar(&cfg.HTTP, "http", "", "address of the web side: the monitor page at /, HLS at /live/NAME/index.m3u8, DASH at /live/NAME/manifest.mpd, /api/streams, /metrics and RTMPT (rtmpt://HOST:PORT/live/NAME) (default: the RTMP host, next port, e.g. 127.0.0.1:1936; off: none)")
	qr := fs.Bool("qr", false, "print the monitor page's address as a QR code, for a phone")
	var pubKeys, playKeys listFlag
	fs.Var(&pubKeys, "publish-key", "a key that allows publishing (repeatable)")
	fs.Var(&playKeys, "play-key", "a key that allows playing from other computers (repeatable)")
	fs.BoolVar(&cfg.GenerateKey, "generate-key", false, "generate a publish key and print the publish URLs once")
	fs.BoolVar(&cfg.InsecureOpen, "insecure-open", false, "allow a LAN listener without publish keys")
	fs.BoolVar(&cfg.OpenPlay, "open-play", false, "let every address play without a key")
	fs.DurationVar(&sc.HandshakeTimeout, "handshake-timeout", sc.HandshakeTimeout, "time allowed for the RTMP handshake")
	fs.DurationVar(&sc.IdleTimeout, "idle-timeout", sc.IdleTimeout, "time a connection may go without a stream: before its first media, or after its last stream ended")
	fs.DurationVar(&sc.MediaTimeout, "media-timeout", sc.MediaTimeout, "time a publisher may go without media")
	fs.DurationVar(&sc.WriteTimeout, "write-timeout", sc.WriteTimeout, "bound of every socket write")
	fs.DurationVar(&sc.MaxPlayerLag, "max-player-lag", sc.MaxPlayerLag, "disconnect a player this far behind")
	fs.DurationVar(&sc.PlayWaitTimeout, "play-wait", sc.PlayWaitTimeout, "how long a player waits for a name to be published")
	fs.IntVar(&sc.MaxConns, "max-conns", sc.MaxConns, "connections in total")
	fs.IntVar(&sc.MaxConnsPerIP, "max-conns-per-ip", sc.MaxConnsPerIP, "connections per IP address")
	fs.IntVar(&sc.Limits.MaxMessageSize, "max-message-size", sc.Limits.MaxMessageSize, "largest RTMP message in bytes")
	fs.IntVar(&sc.Limits.MaxChunkStreams, "max-chunk-streams", sc.Limits.MaxChunkStreams, "chunk streams per connection")
	fs.IntVar(&sc.Limits.MaxMessageStreams, "max-message-streams", sc.Limits.MaxMessageStreams, "message streams (createStream) per connection")
	logLevel := logLevelFlag(fs, "info")
	record := addRecordFlags(fs)
	var forwards forwardFlag
	fs.Var(&forwards, "forward", forwardUsage)
	caFile := fs.String("ca-file", "", "extra PEM roots for rtmps:// forward destinations")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	cfg.PublishKeys, cfg.PlayKeys = pubKeys, playKeys
	for _, k := range append(pubKeys, playKeys...) {
		secrets.Add(k)
	}
	log, err := newLogger(stderr, *logLevel, secrets)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	encode.RouteLibavLog(log)
	srv, err := app.StartLocalServer(cfg, secrets, log)
	if err != nil {
		return fail(stderr, secrets, withListenHint(err))
	}
	rec, err := startServeRecording(srv.RTMP, record, log)
	if err != nil {
		srv.Close()
		return fail(stderr, secrets, err)
	}
	stopForwards, err := startForwards(srv, forwards, *caFile, secrets, log)
	if err != nil {
		rec.Close()
		srv.Close()
		return fail(stderr, secrets, err)
	}
	serverURLs{addr: srv.RTMPAddr(), lan: srv.LAN(), hosts: srv.LANHosts(), port: srv.Port(), keys: srv.GeneratedKeys}.print(stdout)
	printWatch(stdout, srv, cfg, *qr)
	<-ctx.Done()
	stopForwards()
	rec.Close() // before the server: each file ends cleanly
	srv.Close()
	return 0
}

// withListenHint adds the remedy to a port already in use: another
// --listen port (a free one when there is one near).
func withListenHint(err error) error {
	var inUse *app.PortInUseError
	if !errors.As(err, &inUse) {
		return err
	}
	port := inUse.FreePortNear()
	if port == 0 {
		port = inUse.Port + 1
	}
	return fmt.Errorf("%w: stop it, or use another port, e.g. --listen %s", err, net.JoinHostPort(inUse.Host, strconv.Itoa(port)))
}
