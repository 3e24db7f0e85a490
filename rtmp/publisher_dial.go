package rtmp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// dialConn opens the TCP connection and, for rtmps, the TLS session, each
// within opt.Timeout.
func dialConn(ctx context.Context, t Target, opt PublisherOptions, log *slog.Logger) (net.Conn, error) {
	addr := t.Addr()
	var cfg *tls.Config
	if t.Scheme == "rtmps" {
		var err error
		if cfg, err = clientTLSConfig(t.Host, opt.CAFile); err != nil {
			return nil, err
		}
	}
	d := net.Dialer{
		Timeout: opt.Timeout,
		KeepAliveConfig: net.KeepAliveConfig{
			Enable: true, Idle: keepAliveIdle, Interval: keepAliveInterval, Count: keepAliveCount,
		},
	}
	d.Control = socketControl(opt.AckTimeout)
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connecting to %s: %w", addr, context.Cause(ctx))
		}
		return nil, describeDialError(err, t, opt.Timeout)
	}
	log.Debug("tcp connected", "addr", addr)
	if cfg == nil {
		return conn, nil
	}
	tctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(tctx); err != nil {
		_ = conn.Close()
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("TLS handshake with %s: %w", addr, context.Cause(ctx))
		case tctx.Err() != nil || isTimeout(err):
			return nil, fmt.Errorf("TLS handshake with %s timed out after %v", addr, opt.Timeout)
		}
		return nil, describeTLSError(err, t.Host, addr)
	}
	log.Debug("tls established", "version", tls.VersionName(tc.ConnectionState().Version))
	return tc, nil
}

// describeDialError turns a failed TCP connect into one sentence.
func describeDialError(err error, t Target, timeout time.Duration) error {
	addr := t.Addr()
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("connection refused by %s (nothing listens on that port)%w", addr, chunk.Mark(err))
	case isTimeout(err):
		return fmt.Errorf("connecting to %s timed out after %v%w", addr, timeout, chunk.Mark(err))
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Errorf("cannot resolve host %s: no such host%w", t.Host, chunk.Mark(err))
	case errors.As(err, &dnsErr):
		return fmt.Errorf("cannot resolve host %s (%s)%w", t.Host, dnsErr.Err, chunk.Mark(err))
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return fmt.Errorf("cannot reach %s: network unreachable%w", addr, chunk.Mark(err))
	}
	return fmt.Errorf("connecting to %s: %w", addr, err)
}

// describeIOError turns a read or write failure on a live connection into
// a sentence; verb is "sending to" or "receiving from".
func describeIOError(err error, t Target, timeout time.Duration, verb string) error {
	addr := t.Addr()
	switch {
	case isTimeout(err) && timeout <= 0: // the kernel gave up (TCP_USER_TIMEOUT, keepalive)
		return fmt.Errorf("%s %s timed out: the server stopped answering%w", verb, addr, chunk.Mark(err))
	case isTimeout(err):
		return fmt.Errorf("%s %s timed out after %v (the server or the network is too slow)%w", verb, addr, timeout, chunk.Mark(err))
	case chunk.IsConnReset(err):
		return fmt.Errorf("the server %s closed the connection%w", addr, chunk.Mark(err))
	case errors.Is(err, net.ErrClosed):
		return fmt.Errorf("%s %s: %w", verb, addr, ErrPublisherClosed)
	}
	return fmt.Errorf("%s %s: %w", verb, addr, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
