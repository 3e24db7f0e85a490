package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// Server-side protocol constants.
const (
	maxPongsPerSecond = 10
)

// A connection's read and write buffers: small, because a server has
// hundreds of players, each sending a few bytes (acknowledgements, pings)
// and getting most media as shared encodings written past the buffer.
// Publishers' chunks larger than the read buffer are read past it.
const (
	connReadBuffer  = 4 << 10
	connWriteBuffer = 4 << 10
)

// serverConn is one client connection. Its goroutine (serve) reads and
// handles every message; players of this connection each have a writer
// goroutine. All writes go through wmu, each with a deadline.
type serverConn struct {
	srv     *Server
	conn    net.Conn
	ip      netip.Addr
	addr    string
	log     *slog.Logger
	started time.Time
	ctx     context.Context
	cancel  context.CancelFunc

	// rw is what RTMP is spoken on: conn, or conn inside RTMPE's RC4
	// streams. Set by serve before any player starts.
	rw net.Conn
	r  *chunk.Reader
	// raw is conn's socket for raw reads and writes, when rw is conn and
	// it is plain TCP on Linux (see rawSocket); nil otherwise. Set by
	// serve before any player starts.
	raw *rawSocket

	wmu         sync.Mutex
	w           *chunk.Writer
	deadlineSet time.Time // when the write deadline was last moved (under wmu)
	// tail is the unwritten end of a message a player's direct write
	// began (under wmu): whoever writes next writes it first (payTail).
	tail []byte

	closeOnce sync.Once
	players   sync.WaitGroup

	// Owned by the serve goroutine.
	app       string
	appKey    string // key carried in the app's query (rtmp://host/live?key=…)
	connected bool
	// codecs is the Enhanced RTMP video codecs the client listed in
	// connect's fourCcList (H.264 is always playable). Set by connect,
	// before any player starts; read by players.
	codecs    codecSet
	streams   map[uint32]*connStream
	nextID    uint32
	ackWindow uint32
	lastAck   uint64
	pongs     int
	pongSec   int64
	// lastActive is when the connection connected, or when its last
	// stream (publish or play) ended: the idle timeout counts from it.
	lastActive time.Time
	hadStream  bool // a stream of this connection has ended
}

// connStream is one message stream (createStream) of a connection.
type connStream struct {
	id     uint32
	pub    *liveStream // publishing, or nil
	player *player     // playing, or nil
	media  bool        // the publisher has sent media
	// lastMedia is when the publisher last sent accepted media: only that,
	// not pings or refused frames, keeps it within MediaTimeout.
	lastMedia time.Time
}

func newServerConn(s *Server, c net.Conn, ip netip.Addr) *serverConn {
	ctx, cancel := context.WithCancel(s.ctx)
	addr := c.RemoteAddr().String()
	return &serverConn{
		srv: s, conn: c, ip: ip, addr: addr, started: time.Now(), lastActive: time.Now(),
		log: s.log.With("peer", addr), ctx: ctx, cancel: cancel,
		streams: map[uint32]*connStream{}, nextID: 1,
	}
}

// close ends the connection: the socket closes, blocked reads and writes
// return, and player goroutines stop. Safe from any goroutine, repeatedly.
func (c *serverConn) close() {
	c.closeOnce.Do(func() {
		c.cancel()
		_ = c.conn.Close()
	})
}

// serve runs the connection until it ends. A panic closes this connection
// only.
func (c *serverConn) serve() {
	defer func() {
		if v := recover(); v != nil {
			c.srv.counters.panics.Add(1)
			c.log.Error("connection handler panicked; closing the connection", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
		c.close()
		c.cleanup()
	}()
	if err := c.run(); err != nil && c.ctx.Err() == nil && !peerLeft(err) {
		c.log.Info("connection closed", "reason", err.Error())
	} else {
		c.log.Debug("connection closed")
	}
}

// peerLeft reports whether err is only the peer going away: the end of its
// input, or a reset or closed socket under a read or a write. Such an end
// has no reason worth a log line.
func peerLeft(err error) bool {
	return errors.Is(err, io.EOF) || chunk.IsConnReset(err) || errors.Is(err, net.ErrClosed)
}

// cleanup detaches the connection's publishers and waits for its players.
func (c *serverConn) cleanup() {
	for _, st := range c.streams {
		c.stopStream(st)
	}
	c.players.Wait()
}

func (c *serverConn) run() error {
	cfg := &c.srv.cfg
	rw, err := chunk.ServerHandshake(c.conn, cfg.HandshakeTimeout)
	if err != nil {
		return err
	}
	c.rw = rw
	if rw != c.conn {
		c.log = c.log.With("handshake", "rtmpe") // before any player goroutine reads it
	}
	var src io.Reader = rw
	if rw == c.conn {
		if c.raw = newRawSocket(c.conn); c.raw != nil {
			src = c.raw
		}
	}
	c.r = chunk.NewReaderSize(src, cfg.Limits, connReadBuffer)
	c.w = chunk.NewWriterSize(rw, chunk.DefaultChunkSize, connWriteBuffer)
	for {
		if c.r.Buffered() == 0 {
			if err := c.flush(); err != nil {
				return err
			}
		}
		deadline, why := c.readDeadline()
		if err := c.conn.SetReadDeadline(deadline); err != nil {
			return err
		}
		m, err := c.r.ReadMessage()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return c.timeoutError(why)
			}
			return err
		}
		if err := c.handle(m); err != nil {
			return err
		}
		c.acknowledge()
	}
}

// Why a read deadline was set: the reason the connection is closed when it passes.
type deadlineReason uint8

const (
	waitFirstStream deadlineReason = iota // nothing published or played yet
	waitNextStream                        // the last stream ended
	waitFirstMedia                        // publishing, no media yet
	waitMedia                             // publishing, media flowing
)

// readDeadline is IdleTimeout from the connection's last activity (its
// connect, or the end of its last stream) until a publisher has sent media;
// then MediaTimeout from the last media. A connection that only plays has
// no read deadline: its writes have one.
func (c *serverConn) readDeadline() (time.Time, deadlineReason) {
	idleUntil := c.lastActive.Add(c.srv.cfg.IdleTimeout)
	playing := false
	for _, st := range c.streams {
		if st.pub != nil {
			if st.media {
				return st.lastMedia.Add(c.srv.cfg.MediaTimeout), waitMedia
			}
			return idleUntil, waitFirstMedia
		}
		playing = playing || st.player != nil
	}
	if playing {
		return time.Time{}, waitFirstStream
	}
	if c.hadStream {
		return idleUntil, waitNextStream
	}
	return idleUntil, waitFirstStream
}

// timeoutError says why a read deadline closed the connection.
func (c *serverConn) timeoutError(why deadlineReason) error {
	cfg := &c.srv.cfg
	switch why {
	case waitNextStream:
		return fmt.Errorf("no new publish or play within %v after its last stream ended", cfg.IdleTimeout)
	case waitFirstMedia:
		return fmt.Errorf("published, then sent no media within %v", cfg.IdleTimeout)
	case waitMedia:
		return fmt.Errorf("the publisher sent no media for %v", cfg.MediaTimeout)
	}
	return fmt.Errorf("no publish or play within %v of connecting", cfg.IdleTimeout)
}

// handle dispatches one message.
func (c *serverConn) handle(m chunk.Message) error {
	switch m.TypeID {
	case chunk.TypeSetChunkSize, chunk.TypeAbort, chunk.TypeAck:
		return nil // the chunk reader applied them
	case chunk.TypeWindowAckSize:
		v, err := chunk.ParseUint32Payload(m)
		if err != nil {
			return err
		}
		if v > 0 && v < 1<<31 {
			c.ackWindow = max(v, chunk.MinAckWindow)
		}
	case chunk.TypeSetPeerBandwidth:
		if len(m.Payload) < 5 {
			return fmt.Errorf("%w: SetPeerBandwidth of %d bytes", chunk.ErrProtocol, len(m.Payload))
		}
	case chunk.TypeUserControl:
		ev, v, err := chunk.ParseUserControl(m)
		if err != nil {
			return err
		}
		if ev == chunk.EventPingRequest && c.allowPong() {
			return c.write(chunk.UserControlMessage(chunk.EventPingResponse, v))
		}
	case chunk.TypeCommandAMF0, chunk.TypeCommandAMF3:
		cmd, err := chunk.ParseCommand(m, c.srv.cfg.Limits)
		if err != nil {
			return err
		}
		return c.command(m.StreamID, cmd)
	case chunk.TypeAudio, chunk.TypeVideo, chunk.TypeDataAMF0, chunk.TypeDataAMF3:
		return c.media(m)
	case chunk.TypeAggregate:
		return c.aggregate(m)
	}
	return nil
}

func (c *serverConn) allowPong() bool {
	if sec := time.Now().Unix(); sec != c.pongSec {
		c.pongSec, c.pongs = sec, 0
	}
	c.pongs++
	return c.pongs <= maxPongsPerSecond
}

// acknowledge sends an Acknowledgement each time the peer's window fills.
func (c *serverConn) acknowledge() {
	if n := c.r.BytesRead(); c.ackWindow > 0 && n-c.lastAck >= uint64(c.ackWindow) {
		c.lastAck = n
		_ = c.write(chunk.AckMessage(uint32(n)))
	}
}

// refreshWriteDeadline moves the write deadline to WriteTimeout from now
// (the caller's clock reading, which the fan-out's hot path has anyway),
// at most once a second: a write always has between WriteTimeout-1s and
// WriteTimeout to complete, and the hot path of a player saves a timer
// update per batch. c.wmu must be held.
func (c *serverConn) refreshWriteDeadline(now time.Time) error {
	if now.Sub(c.deadlineSet) < time.Second {
		return nil
	}
	c.deadlineSet = now
	return c.conn.SetWriteDeadline(now.Add(c.srv.cfg.WriteTimeout))
}

// write queues msgs for the peer; they go out at the next flush (the read
// loop flushes before it waits for input).
func (c *serverConn) write(msgs ...chunk.Message) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.refreshWriteDeadline(time.Now()); err != nil {
		return err
	}
	if err := c.payTail(); err != nil {
		return err
	}
	for _, m := range msgs {
		if err := c.w.WriteMessage(m); err != nil {
			return fmt.Errorf("writing to the client: %w", err)
		}
	}
	return nil
}

// flush sends whatever write queued, within WriteTimeout.
func (c *serverConn) flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.refreshWriteDeadline(time.Now()); err != nil {
		return err
	}
	if err := c.payTail(); err != nil {
		return err
	}
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("writing to the client: %w", err)
	}
	return nil
}

// payTail writes what a player's direct write left of a message, which
// must reach the client before any other byte (the direct write counted it
// as sent). c.wmu must be held.
func (c *serverConn) payTail() error {
	if len(c.tail) == 0 {
		return nil
	}
	_, err := c.rw.Write(c.tail)
	c.tail = nil
	if err != nil {
		return fmt.Errorf("writing to the client: %w", err)
	}
	return nil
}

// sendAndClose flushes msgs (a final status) and ends the connection with err.
func (c *serverConn) sendAndClose(err error, msgs ...chunk.Message) error {
	if c.write(msgs...) == nil {
		_ = c.flush()
	}
	return err
}
