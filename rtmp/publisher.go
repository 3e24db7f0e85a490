package rtmp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// Publisher defaults.
const (
	DefaultPublishTimeout   = 10 * time.Second
	DefaultPublishChunkSize = 4096
	closeGrace              = time.Second // Close waits this long for the server to hang up
)

// TCP keepalive of the publisher's connection: an idle connection whose
// peer vanished is found within idle + count × interval (11 s). While data
// is in flight, TCP_USER_TIMEOUT (Linux) and the acknowledgement watchdog
// apply instead.
const (
	keepAliveIdle     = 5 * time.Second
	keepAliveInterval = 2 * time.Second
	keepAliveCount    = 3
)

// PublisherOptions configures Dial. Zero fields take their defaults.
type PublisherOptions struct {
	// CAFile is a PEM file of extra trusted CAs for rtmps, added to the
	// system roots. There is no option to skip verification.
	CAFile string
	// Timeout bounds each step: TCP connect, TLS handshake, RTMP
	// handshake, connect and publish (default 10s).
	Timeout time.Duration
	// WriteTimeout bounds the write of one packet (default Timeout).
	WriteTimeout time.Duration
	// DialTimeout bounds the whole of Dial, all steps together, so a
	// server that answers each step just in time still fails (default
	// 1.5 × Timeout).
	DialTimeout time.Duration
	// AckTimeout arms the acknowledgement watchdog: once the server has
	// acknowledged data at least once, the session fails when more than
	// three ack windows were sent and no acknowledgement came for
	// AckTimeout. On Linux it is also the TCP_USER_TIMEOUT of the socket.
	// Default DefaultAckTimeout; negative disables both.
	AckTimeout time.Duration
	// ChunkSize is the outgoing chunk size (default 4096).
	ChunkSize int
	// Limits bounds what the server may send.
	Limits chunk.Limits
	// Log receives debug lines; URLs in it are redacted. Nil discards.
	Log *slog.Logger
}

func (o PublisherOptions) withDefaults() PublisherOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultPublishTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = o.Timeout
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = o.Timeout + o.Timeout/2
	}
	if o.AckTimeout == 0 {
		o.AckTimeout = DefaultAckTimeout
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultPublishChunkSize
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	o.Limits = o.Limits.WithDefaults()
	return o
}

// Publisher is a live RTMP publish session to one server. Dial returns it
// once the server has answered NetStream.Publish.Start; from then on a
// goroutine owned by the Publisher reads the server's messages (pings,
// acknowledgements, status) and another watches the acknowledgements,
// until Close. WritePacket and
// WriteMetadata may be called from one goroutine while another calls Close.
type Publisher struct {
	t    Target
	opt  PublisherOptions
	log  *slog.Logger
	conn *countingConn
	r    *chunk.Reader // Dial's, then the reader goroutine's

	mu       sync.Mutex // guards w, buf, closed and every write to conn
	w        *chunk.Writer
	buf      []byte
	closed   bool
	streamID uint32

	ackWindow uint32 // reading goroutine only
	lastAck   uint64
	acks      ackWatch // the server's acknowledgements of what we sent

	closing     atomic.Bool   // Close has started: write errors mean "closed"
	chDone      chan struct{} // closed on the first failure or on Close
	failOnce    sync.Once
	err         error
	chReadDone  chan struct{} // closed when the reader goroutine returns
	chWatchDone chan struct{} // closed when the ack watchdog returns
	closeOnce   sync.Once
	closeErr    error
}

// countingConn counts the bytes written, handshake included.
type countingConn struct {
	net.Conn
	sent atomic.Uint64
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.sent.Add(uint64(n))
	return n, err
}

// Dial connects to t, performs the handshake and the connect, createStream
// and publish commands, and returns once the server has accepted the
// publish. ctx bounds only the dialing; each step also has opt.Timeout,
// and all of them together opt.DialTimeout. Errors are single sentences
// naming the host and the step; they never contain the stream key.
func Dial(ctx context.Context, t Target, opt PublisherOptions) (*Publisher, error) {
	opt = opt.withDefaults()
	log := opt.Log.With("target", t.Redacted())
	ctx, cancel := context.WithTimeoutCause(ctx, opt.DialTimeout,
		fmt.Errorf("the server did not complete the session setup within %v", opt.DialTimeout))
	defer cancel()
	raw, err := dialConn(ctx, t, opt, log)
	if err != nil {
		return nil, err
	}
	conn := &countingConn{Conn: raw}
	p := &Publisher{
		t: t, opt: opt, log: log, conn: conn,
		r:           chunk.NewReader(conn, opt.Limits),
		w:           chunk.NewWriter(conn, chunk.DefaultChunkSize),
		chDone:      make(chan struct{}),
		chReadDone:  make(chan struct{}),
		chWatchDone: make(chan struct{}),
	}
	// Cancelling ctx unblocks whatever step is waiting on the socket.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	err = p.startSession()
	if !stop() || ctx.Err() != nil {
		err = fmt.Errorf("publishing to %s: %w", t.Redacted(), context.Cause(ctx))
	}
	if err != nil {
		_ = conn.Close()
		log.Debug("publish failed", "err", err)
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	go p.readLoop()
	if opt.AckTimeout > 0 {
		go p.watchAcks()
	} else {
		close(p.chWatchDone)
	}
	log.Info("publishing", "chunk_size", opt.ChunkSize, "stream_id", p.streamID)
	return p, nil
}

// Target returns the destination.
func (p *Publisher) Target() Target { return p.t }

// Done is closed when the session ends: the server closed the connection or
// refused the stream, a write failed, the server stopped acknowledging
// data (see PublisherOptions.AckTimeout), or Close was called.
func (p *Publisher) Done() <-chan struct{} { return p.chDone }

// Err returns why the session ended (ErrPublisherClosed after Close), or
// nil while it is live.
func (p *Publisher) Err() error {
	select {
	case <-p.chDone:
		return p.err
	default:
		return nil
	}
}

// BytesSent returns the bytes written to the connection so far (RTMP bytes,
// before TLS).
func (p *Publisher) BytesSent() uint64 { return p.conn.sent.Load() }

// LocalAddr is the address of this end of the connection (what the
// server names as the publisher).
func (p *Publisher) LocalAddr() net.Addr { return p.conn.LocalAddr() }

// fail ends the session with err; only the first call counts, and it
// reports whether this call was the first.
func (p *Publisher) fail(err error) (first bool) {
	p.failOnce.Do(func() {
		p.err = err
		close(p.chDone)
		first = true
	})
	return first
}

// WritePacket sends one packet and flushes it, within WriteTimeout. The DTS
// is wrapped to RTMP's 32 bits (negative values are sent as 0).
func (p *Publisher) WritePacket(pkt *media.Packet) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.usableLocked(); err != nil {
		return err
	}
	p.buf = flv.AppendPayload(p.buf[:0], pkt)
	m := chunk.PacketMessage(pkt, p.buf)
	m.StreamID = p.streamID
	return p.writeLocked(p.opt.WriteTimeout, m)
}

// WriteMetadata sends @flv.SetDataFrame onMetaData describing the stream.
func (p *Publisher) WriteMetadata(md media.Metadata) error {
	return p.WritePacket(&media.Packet{Kind: media.KindData, Key: true, Data: flv.EncodeMetadata(md)})
}

func (p *Publisher) usableLocked() error {
	if p.closed {
		return ErrPublisherClosed
	}
	select {
	case <-p.chDone:
		return p.err
	default:
		return nil
	}
}

// writeLocked writes and flushes msgs within timeout. A failure ends the
// session. p.mu must be held.
func (p *Publisher) writeLocked(timeout time.Duration, msgs ...chunk.Message) error {
	if err := p.flushLocked(timeout, msgs...); err != nil {
		return p.writeFailed(err, timeout)
	}
	return nil
}

// flushLocked writes and flushes msgs within timeout and returns the raw
// I/O error. p.mu must be held.
func (p *Publisher) flushLocked(timeout time.Duration, msgs ...chunk.Message) error {
	if err := p.conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	for _, m := range msgs {
		if err := p.w.WriteMessage(m); err != nil {
			return err
		}
	}
	return p.w.Flush()
}

func (p *Publisher) writeFailed(err error, timeout time.Duration) error {
	e := describeIOError(err, p.t, timeout, "sending to")
	if p.closing.Load() {
		e = ErrPublisherClosed
	}
	if !p.fail(e) {
		// The session had already ended (the watchdog or the reader
		// closed it): report the first cause, not its echo.
		return p.Err()
	}
	return e
}

// send writes msgs unless the publisher is closed (for the reader goroutine).
func (p *Publisher) send(msgs ...chunk.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.usableLocked() != nil {
		return
	}
	if err := p.writeLocked(p.opt.WriteTimeout, msgs...); err != nil {
		p.log.Debug("control reply failed", "err", err)
	}
}

// Close sends FCUnpublish and deleteStream, half-closes the connection,
// gives the server a moment to hang up, then closes the connection and
// waits for the reader goroutine. A WritePacket blocked on a stalled server
// is cut short. It is safe to call more than once and concurrently; later
// calls return nil.
func (p *Publisher) Close() error {
	first := false
	p.closeOnce.Do(func() {
		first = true
		p.closing.Store(true)
		if !p.mu.TryLock() {
			// A write is in progress. If it is stuck on a stalled server,
			// cut it short rather than wait for the whole WriteTimeout.
			chFired := make(chan struct{})
			timer := time.AfterFunc(closeGrace, func() {
				_ = p.conn.SetWriteDeadline(time.Now())
				close(chFired)
			})
			p.mu.Lock()
			if !timer.Stop() {
				<-chFired
			}
		}
		alive := p.usableLocked() == nil
		p.closed = true
		if alive {
			p.closeErr = p.sendGoodbyeLocked()
		}
		p.mu.Unlock()
		p.fail(ErrPublisherClosed)
		if alive {
			if cw, ok := p.conn.Conn.(interface{ CloseWrite() error }); ok {
				_ = cw.CloseWrite()
			}
			select {
			case <-p.chReadDone:
			case <-time.After(closeGrace):
			}
		}
		_ = p.conn.Close()
		<-p.chReadDone
		<-p.chWatchDone
		p.log.Debug("closed")
	})
	if !first {
		return nil
	}
	return p.closeErr
}

// readLoop processes server messages after publish started.
func (p *Publisher) readLoop() {
	defer close(p.chReadDone)
	for {
		m, err := p.r.ReadMessage()
		if err != nil {
			select {
			case <-p.chDone: // closing: the error is expected
			default:
				if err == io.EOF {
					p.fail(fmt.Errorf("the server %s closed the connection", p.t.Addr()))
				} else {
					p.fail(describeIOError(err, p.t, 0, "receiving from"))
				}
			}
			return
		}
		p.handleControl(m)
		if m.TypeID != chunk.TypeCommandAMF0 && m.TypeID != chunk.TypeCommandAMF3 {
			continue
		}
		c, err := chunk.ParseCommand(m, p.opt.Limits)
		if err != nil {
			p.log.Debug("ignoring malformed command", "err", err)
			continue
		}
		if err := p.liveCommand(c); err != nil {
			p.fail(err)
		}
	}
}
