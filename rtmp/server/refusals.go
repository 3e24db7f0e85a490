package server

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"
)

// refusalLogEvery is how often, at most, the server logs connections
// refused at one limit; the line in between counts them.
const refusalLogEvery = 10 * time.Second

// refusalLog rate-limits the warning for connections refused at a
// connection limit: the first at once, then one per refusalLogEvery per
// limit, with the number refused since the last line.
type refusalLog struct {
	mu     sync.Mutex
	last   map[string]time.Time
	silent map[string]int
}

// note logs (or counts) one refusal at limit, which names the limit and the
// flag that raises it.
func (r *refusalLog) note(log *slog.Logger, now time.Time, limit string, ip netip.Addr) {
	r.mu.Lock()
	if r.last == nil {
		r.last, r.silent = map[string]time.Time{}, map[string]int{}
	}
	if last, ok := r.last[limit]; ok && now.Sub(last) < refusalLogEvery {
		r.silent[limit]++
		r.mu.Unlock()
		return
	}
	more := r.silent[limit]
	r.last[limit], r.silent[limit] = now, 0
	r.mu.Unlock()
	log.Warn("connection refused: "+limit, "peer", ip, "refused_since_last_line", more)
}

// admitProblem says which connection limit c's address is at ("" when it
// may connect). Loopback peers do not count toward the per-IP limit: they
// are this machine's own programs (the studio's program, OBS or ffmpeg
// beside it, a benchmark's players), which could take every slot anyway,
// and the per-IP limit is there so that one remote host cannot; the total
// limit still applies to them. Call it with s.mu held.
func (s *Server) admitProblem(ip netip.Addr) string {
	switch {
	case s.closed:
		return "the server is closing"
	case len(s.conns) >= s.cfg.MaxConns:
		return fmt.Sprintf("the server is full (%d connections; onair serve --max-conns raises it)", s.cfg.MaxConns)
	case !ip.IsLoopback() && s.perIP[ip] >= s.cfg.MaxConnsPerIP:
		return fmt.Sprintf("too many connections from one address (%d; onair serve --max-conns-per-ip raises it)", s.cfg.MaxConnsPerIP)
	}
	return ""
}
