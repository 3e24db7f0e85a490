package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return "" }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	secrets := &app.Secrets{}
	cfg := app.LocalServerConfig{Server: rtmp.DefaultServerConfig()}
	sc := &cfg.Server
	fs := flag.NewFlagSet("onair serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Listen, "listen", rtmp.DefaultServerAddr, "RTMP listen address; 0.0.0.0:1935 opens it to the LAN (needs keys)")
	fs.StringVar(&cfg.HTTP, "http", "", "address of the web side: the monitor page at /, HLS at /live/NAME/index.m3u8, DASH at /live/NAME/manifest.mpd, /api/streams and /metrics (default: the RTMP host, next port, e.g. 127.0.0.1:1936; off: none)")
	qr := fs.Bool("qr", false, "print the monitor page's address as a QR code, for a phone")
	var pubKeys, playKeys listFlag
	fs.Var(&pubKeys, "publish-key", "a key that allows publishing (repeatable)")
	fs.Var(&playKeys, "play-key", "a key that allows playing from other computers (repeatable)")
	fs.BoolVar(&cfg.GenerateKey, "generate-key", false, "generate a publish key and print the publish URLs once")
	fs.BoolVar(&cfg.InsecureOpen, "insecure-open", false, "allow a LAN listener without publish keys")
	fs.BoolVar(&cfg.OpenPlay, "open-play", false, "let every address play without a key")
	fs.DurationVar(&sc.HandshakeTimeout, "handshake-timeout", sc.HandshakeTimeout, "time allowed for the RTMP handshake")
	fs.DurationVar(&sc.IdleTimeout, "idle-timeout", sc.IdleTimeout, "time a connection may take before its first media")
	fs.DurationVar(&sc.MediaTimeout, "media-timeout", sc.MediaTimeout, "time a publisher may go without media")
	fs.DurationVar(&sc.WriteTimeout, "write-timeout", sc.WriteTimeout, "bound of every socket write")
	fs.DurationVar(&sc.MaxPlayerLag, "max-player-lag", sc.MaxPlayerLag, "disconnect a player this far behind")
	fs.DurationVar(&sc.PlayWaitTimeout, "play-wait", sc.PlayWaitTimeout, "how long a player waits for a name to be published")
	fs.IntVar(&sc.MaxConns, "max-conns", sc.MaxConns, "connections in total")
	fs.IntVar(&sc.MaxConnsPerIP, "max-conns-per-ip", sc.MaxConnsPerIP, "connections per IP address")
	fs.IntVar(&sc.Limits.MaxMessageSize, "max-message-size", sc.Limits.MaxMessageSize, "largest RTMP message in bytes")
	fs.IntVar(&sc.Limits.MaxChunkStreams, "max-chunk-streams", sc.Limits.MaxChunkStreams, "chunk streams per connection")
	fs.IntVar(&sc.Limits.MaxMessageStreams, "max-message-streams", sc.Limits.MaxMessageStreams, "message streams (createStream) per connection")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
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
		return fail(stderr, secrets, err)
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
	fmt.Fprintf(stdout, "OnAir Studio RTMP server on %s\n", srv.RTMPAddr())
	for _, k := range srv.GeneratedKeys {
		q, cam := srv.PublishURLs("NAME", k)
		fmt.Fprintf(stdout, "publish key generated (shown once, keep it secret):\n  %s\n  %s   (for cameras: the key inside the stream name)\n", q, cam)
	}
	fmt.Fprintf(stdout, "play: %s\n", srv.PlayURL("NAME"))
	printWatch(stdout, srv, cfg, *qr)
	<-ctx.Done()
	stopForwards()
	rec.Close() // before the server: each file ends cleanly
	srv.Close()
	return 0
}
