package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"net/netip"
	"sync"
	"time"
)

// AuthConfig says who may publish and play on a Server.
//
// A key reaches the server in one of two forms: as a query on the stream
// name (live/NAME?key=KEY), or inside the name for cameras whose settings
// have no room for a query (live/NAME_KEY). Keys are compared in constant
// time and never logged.
type AuthConfig struct {
	// PublishKeys are the keys that allow publishing. With none,
	// publishing is open (fit only for a loopback listener).
	PublishKeys []string
	// PlayKeys allow playing from addresses other than loopback. A publish
	// key also allows playing.
	PlayKeys []string
	// OpenPlay lets any address play without a key.
	OpenPlay bool
	// MaxFailures is how many failed attempts one IP may make per
	// FailureWindow before it is refused outright (defaults 5 and 1 min).
	MaxFailures   int
	FailureWindow time.Duration
}

// playKeys are the keys that allow playing: the play keys and the publish
// keys.
func (a *AuthConfig) playKeys() []string {
	return append(append([]string(nil), a.PlayKeys...), a.PublishKeys...)
}

// GenerateKey returns a new random key of 128 bits, as 26 characters of
// upper-case letters and digits, safe in a URL and in a camera's settings.
func GenerateKey() string { return rand.Text() }

// minKeyLength is the shortest key the server accepts in its config.
const minKeyLength = 16

// KeyMatches reports whether given equals one of keys, in time that does
// not depend on where they differ nor on which key matched. The web side
// checks its play keys with it too.
func KeyMatches(given string, keys []string) bool {
	if given == "" {
		return false
	}
	g := sha256.Sum256([]byte(given))
	found := 0
	for _, k := range keys {
		h := sha256.Sum256([]byte(k))
		found |= subtle.ConstantTimeCompare(g[:], h[:])
	}
	return found == 1
}

// failureLimiter counts failed auth attempts per IP.
type failureLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	ips    map[netip.Addr]*failures
}

type failures struct {
	since time.Time
	n     int
}

// maxTrackedIPs bounds the limiter's memory; the oldest entries go first.
const maxTrackedIPs = 4096

func newFailureLimiter(max int, window time.Duration) *failureLimiter {
	if max <= 0 {
		max = 5
	}
	if window <= 0 {
		window = time.Minute
	}
	return &failureLimiter{max: max, window: window, ips: map[netip.Addr]*failures{}}
}

// blocked reports whether ip has used up its failed attempts.
func (l *failureLimiter) blocked(ip netip.Addr, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.ips[ip]
	if f == nil {
		return false
	}
	if now.Sub(f.since) > l.window {
		delete(l.ips, ip)
		return false
	}
	return f.n >= l.max
}

// fail records one failed attempt from ip.
func (l *failureLimiter) fail(ip netip.Addr, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.ips[ip]
	if f == nil || now.Sub(f.since) > l.window {
		if f == nil && len(l.ips) >= maxTrackedIPs {
			l.evictLocked(now)
		}
		f = &failures{since: now}
		l.ips[ip] = f
	}
	f.n++
}

func (l *failureLimiter) evictLocked(now time.Time) {
	var oldest netip.Addr
	var oldestSince time.Time
	for ip, f := range l.ips {
		if now.Sub(f.since) > l.window {
			delete(l.ips, ip)
			continue
		}
		if oldestSince.IsZero() || f.since.Before(oldestSince) {
			oldest, oldestSince = ip, f.since
		}
	}
	if len(l.ips) >= maxTrackedIPs {
		delete(l.ips, oldest)
	}
}
