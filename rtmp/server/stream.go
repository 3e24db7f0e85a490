package server

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed7c1a73c4/onair/internal/rate"
	"github.com/seed7c1a73c4/onair/media"
)

// errStreamBusy is returned to a second publisher of a live name.
var errStreamBusy = errors.New("the stream is already being published")

// liveStream is one published name: its hub (with the GOP cache), who
// publishes it, how its timestamps map, and its counters. It outlives a
// publisher that is replaced, so players keep playing across a camera's
// reconnect.
type liveStream struct {
	srv     *Server
	key     string // "app/name"
	session uint64 // StreamStats.Session
	hub     *media.Hub[wirePacket]
	created time.Time

	mu          sync.Mutex
	pub         publisher // nil: not published
	pubAddr     string
	pubSince    time.Time
	chPublished chan struct{} // closed once a publisher is attached
	tl          timeline
	info        streamInfo
	gop         gopTracker

	lastMedia atomic.Int64 // unix nanoseconds of the last media packet
	in, out   *rate.Meter  // bytes from the publisher, to all players
	frames    struct{ video, audio, rejected atomic.Uint64 }
	dropped   atomic.Uint64 // by players that have left
}

// streamInfo is what the sequence headers say.
type streamInfo struct {
	videoCodec, videoProfile string
	width, height            int
	spsFPS                   float64
	audioCodec               string
	sampleRate, channels     int
}

// gopTracker measures frame rate and GOP length from the video DTS.
type gopTracker struct {
	firstDTS, lastDTS, lastKeyDTS int64
	frames, sinceKey              uint64
	gopFrames                     uint64
	gopMillis                     int64
	started, keyed                bool
}

func (g *gopTracker) add(dts int64, key bool) {
	if !g.started {
		g.started, g.firstDTS = true, dts
	}
	g.lastDTS = dts
	g.frames++
	if key {
		if g.keyed {
			g.gopFrames, g.gopMillis = g.sinceKey, dts-g.lastKeyDTS
		}
		g.keyed, g.lastKeyDTS, g.sinceKey = true, dts, 0
	}
	g.sinceKey++
}

func (g *gopTracker) fps() float64 {
	if g.frames < 2 || g.lastDTS <= g.firstDTS {
		return 0
	}
	return float64(g.frames-1) * 1000 / float64(g.lastDTS-g.firstDTS)
}

func newLiveStream(s *Server, key string) *liveStream {
	return &liveStream{
		srv: s, key: key, session: sessionIDs.Add(1), created: time.Now(),
		hub:         media.NewHub[wirePacket](media.HubOptions{GOPCache: true}),
		chPublished: make(chan struct{}),
		in:          rate.New(time.Second, rateWindow),
		out:         rate.New(time.Second, rateWindow),
	}
}

// publisher is who publishes a stream: an RTMP connection, or a
// LocalPublisher inside the process.
type publisher interface {
	// close ends the publisher from the server's side; it takes no lock.
	close()
	// replaceable reports whether a new publisher of the name may take
	// over once this one has been silent for ReplaceSilentAfter.
	replaceable() bool
}

func (c *serverConn) replaceable() bool { return true }

// attachPublisher makes c, at addr, the publisher of the stream key. A
// live name is refused unless its publisher is replaceable and has been
// silent for ReplaceSilentAfter; that publisher is then disconnected and c
// takes over the same stream.
func (s *Server) attachPublisher(key string, c publisher, addr string) (*liveStream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	ls := s.streams[key]
	if ls == nil {
		ls = newLiveStream(s, key)
		s.streams[key] = ls
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	now := time.Now()
	if old := ls.pub; old != nil {
		last := time.Unix(0, ls.lastMedia.Load())
		if ls.lastMedia.Load() == 0 {
			last = ls.pubSince
		}
		if !old.replaceable() || now.Sub(last) < s.cfg.ReplaceSilentAfter {
			return nil, errStreamBusy
		}
		s.log.Info("replacing a silent publisher", "stream", key, "old", ls.pubAddr, "new", addr)
		old.close() // only cancels and closes the socket: no lock is taken
	}
	ls.pub, ls.pubAddr, ls.pubSince = c, addr, now
	ls.tl.restart()
	ls.lastMedia.Store(0)
	select {
	case <-ls.chPublished:
	default:
		close(ls.chPublished)
	}
	s.notifyLocked()
	return ls, nil
}

// detachPublisher ends c's publishing of ls. Players get the end of the
// stream, and the name is free again.
func (s *Server) detachPublisher(ls *liveStream, c publisher) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.pub != c {
		return // replaced: the stream lives on
	}
	ls.pub = nil
	ls.hub.Close()
	if s.streams[ls.key] == ls {
		delete(s.streams, ls.key)
	}
	s.notifyLocked()
}

// subscribe adds a player to key, creating a waiting entry when the name is
// not published yet.
func (s *Server) subscribe(key string) (*liveStream, *media.Queue[wirePacket], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, ErrClosed
	}
	ls := s.streams[key]
	if ls == nil {
		ls = newLiveStream(s, key)
		s.streams[key] = ls
	}
	return ls, ls.hub.Subscribe(s.cfg.PlayerQueue), nil
}

// unsubscribe removes a player and forgets a waiting entry nobody uses.
func (s *Server) unsubscribe(ls *liveStream, q *media.Queue[wirePacket]) {
	ls.dropped.Add(q.Stats().Dropped)
	s.mu.Lock()
	defer s.mu.Unlock()
	ls.hub.Unsubscribe(q)
	ls.mu.Lock()
	idle := ls.pub == nil && ls.hub.Readers() == 0
	ls.mu.Unlock()
	if idle && s.streams[ls.key] == ls {
		delete(s.streams, ls.key)
	}
}

// write hands one packet from publisher c to the players, after mapping
// its timestamps onto the stream's timeline. It reports false when c no
// longer publishes this stream.
func (ls *liveStream) write(c publisher, p media.Packet, rawTS uint32, bytes int) bool {
	ls.mu.Lock()
	if ls.pub != c {
		ls.mu.Unlock()
		return false
	}
	now := time.Now()
	track := trackVideo
	if p.Kind == media.KindAudio {
		track = trackAudio
	}
	switch {
	case p.Kind == media.KindData || p.Header:
		p.DTS = ls.tl.now(track)
		p.PTS = p.DTS
	default:
		cts := p.PTS - p.DTS
		p.DTS = ls.tl.place(track, rawTS)
		p.PTS = p.DTS + cts
		ls.lastMedia.Store(now.UnixNano())
		if p.Kind == media.KindVideo {
			ls.gop.add(p.DTS, p.Key)
			ls.frames.video.Add(1)
		} else {
			ls.frames.audio.Add(1)
		}
	}
	// Most players play on message stream 1: encode the chunks for them
	// once, on first use.
	wire := &wireCache{streamID: 1, chunkSize: ls.srv.cfg.ChunkSize, directUntil: now.Add(directBudget)}
	ls.hub.Write(wirePacket{Packet: p, wire: wire})
	ls.mu.Unlock()
	if n := wire.directBytes.Load(); n > 0 {
		ls.out.Add(n, now)
	}
	ls.in.Add(uint64(bytes), now)
	return true
}

// setInfo records what a sequence header says.
func (ls *liveStream) setInfo(f func(*streamInfo)) {
	ls.mu.Lock()
	f(&ls.info)
	ls.mu.Unlock()
}

// Watch subscribes an in-process reader, such as a preview tile or a
// recorder, to the stream key ("app/name") exactly as a player would be:
// it gets the metadata, the sequence headers and the cached GOP, then live
// packets, and it is skipped forward when it falls behind. Call stop to
// leave; it is safe to call more than once.
func (s *Server) Watch(key string, lim media.QueueLimits) (r media.Reader, stop func(), err error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, nil, ErrClosed
	}
	ls := s.streams[key]
	if ls == nil {
		ls = newLiveStream(s, key)
		s.streams[key] = ls
	}
	q := ls.hub.Subscribe(lim)
	s.mu.Unlock()
	var once sync.Once
	return media.PacketsOf(q), func() { once.Do(func() { s.unsubscribe(ls, q) }) }, nil
}
