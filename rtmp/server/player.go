package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// maxPlayerBatch bounds how many packets a player writes per flush.
const maxPlayerBatch = 64

// player sends one stream to one playing connection from its own queue, on
// its own goroutine, so that the publisher never waits for it.
type player struct {
	c        *serverConn
	streamID uint32
	ls       *liveStream
	q        *media.Queue[wirePacket]
	cancel   context.CancelFunc
	chDone   chan struct{}
	bufs     [][]byte // shared chunk encodings waiting for one writev
	buf      []byte   // payload of a packet encoded for this player alone
	// sock, when the connection is plain TCP, lets the publisher write a
	// packet straight to an idle player's socket (direct).
	sock *rawSocket
}

// startPlayer starts the writer goroutine of a player; the connection
// waits for it on close.
func (c *serverConn) startPlayer(id uint32, ls *liveStream, q *media.Queue[wirePacket]) *player {
	ctx, cancel := context.WithCancel(c.ctx)
	p := &player{c: c, streamID: id, ls: ls, q: q, cancel: cancel, chDone: make(chan struct{})}
	if p.sock = c.raw; p.sock != nil {
		q.SetDirect(p.direct)
	}
	c.players.Add(1)
	go func() {
		defer c.players.Done()
		defer close(p.chDone)
		defer c.srv.unsubscribe(ls, q)
		if err := p.run(ctx); err != nil && ctx.Err() == nil {
			c.log.Info("player stopped", "stream", ls.key, "reason", err.Error())
			c.close()
		}
	}()
	return p
}

// stop ends the player (closeStream, deleteStream) and waits for it.
func (p *player) stop() {
	p.cancel()
	<-p.chDone
}

// errPlayerLag ends a player that cannot keep up.
var errPlayerLag = errors.New("the player fell too far behind the live stream")

func (p *player) run(ctx context.Context) error {
	cfg := &p.c.srv.cfg
	wait := time.NewTimer(cfg.PlayWaitTimeout)
	select {
	case <-p.ls.chPublished:
		wait.Stop()
	case <-wait.C:
		_ = p.c.sendAndClose(nil, onStatus(p.streamID, "error", chunk.StatusPlayNotFound, p.ls.key+" was not published in time"))
		return errors.New("the stream was not published in time")
	case <-ctx.Done():
		wait.Stop()
		return nil
	}
	lag := lagMeter{max: cfg.MaxPlayerLag, caughtUp: time.Now(), idle: true}
	for {
		pkt, err := p.q.Pop(ctx)
		lag.woke(time.Now())
		if errors.Is(err, media.ErrQueueClosed) {
			// The publisher left: tell the player, so it ends cleanly.
			_ = p.c.sendAndClose(nil, chunk.UserControlMessage(chunk.EventStreamEOF, p.streamID),
				onStatus(p.streamID, "status", chunk.StatusPlayUnpublish, p.ls.key+" is now unpublished."),
				onStatus(p.streamID, "status", chunk.StatusPlayStop, "Stopped playing "+p.ls.key+"."))
			return errors.New("the stream ended")
		}
		if err != nil {
			return nil
		}
		if pkt.Kind == media.KindVideo {
			if why := refusalFor(p.ls.key, p.c.codecs, pkt.Codec); why != "" {
				_ = p.c.sendAndClose(nil, onStatus(p.streamID, "error", chunk.StatusPlayFailed, why))
				return fmt.Errorf("the player cannot take %s video (no %q in its fourCcList)", pkt.Codec, pkt.Codec.FourCC())
			}
		}
		if err := p.writeBatch(pkt); err != nil {
			return err
		}
		if err := lag.wrote(time.Now(), p.q.Stats().Len); err != nil {
			return err
		}
	}
}

// lagMeter tells how long a player has been behind the live stream: since
// the last time it had nothing left to write. It counts the time it slept
// waiting for media as caught up: while it sleeps, the publisher's direct
// writes deliver each packet at once, and it wakes only for what those
// leave.
type lagMeter struct {
	max      time.Duration
	caughtUp time.Time // when the player last had nothing left to write
	idle     bool      // it had nothing left after its last write: the next packet woke it
}

// woke notes that the player took a packet at now, after waiting for it
// if it was idle.
func (l *lagMeter) woke(now time.Time) {
	if l.idle {
		l.caughtUp = now
	}
}

// wrote notes that the player wrote a batch at now and has queued packets
// left; it returns errPlayerLag once the player has been behind too long.
func (l *lagMeter) wrote(now time.Time, queued int) error {
	if l.idle = queued == 0; l.idle {
		l.caughtUp = now
		return nil
	}
	if now.Sub(l.caughtUp) > l.max {
		return errPlayerLag
	}
	return nil
}

// writeBatch writes first and whatever else is queued (up to a bound),
// then flushes once. Packets whose shared chunk encoding fits this player
// (message stream id and chunk size) go out as those very bytes, with one
// writev for the batch; others are encoded through the chunk.Writer.
func (p *player) writeBatch(first wirePacket) error {
	c := p.c
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.refreshWriteDeadline(time.Now()); err != nil {
		return err
	}
	if err := c.payTail(); err != nil { // counted by the direct write that left it
		return err
	}
	p.bufs = p.bufs[:0]
	pkt, bytes := first, 0
	for i := 0; ; i++ {
		if w := pkt.wire; w == tailOwed { // paid above
		} else if w != nil && w.streamID == p.streamID && w.chunkSize == c.w.ChunkSize() {
			if c.w.Buffered() > 0 { // control messages queued before this one
				if err := p.writeShared(); err != nil {
					return err
				}
				if err := c.w.Flush(); err != nil {
					return err
				}
			}
			b := w.bytes(&pkt.Packet)
			p.bufs = append(p.bufs, b)
			bytes += len(b)
			_, csid := chunk.KindRoute(pkt.Kind)
			c.w.Forget(csid)
		} else {
			if err := p.writeShared(); err != nil {
				return err
			}
			p.buf = flv.AppendPayload(p.buf[:0], &pkt.Packet) // the chunk.Writer copies it
			m := chunk.PacketMessage(&pkt.Packet, p.buf)
			m.StreamID = p.streamID
			if err := c.w.WriteMessage(m); err != nil {
				return err
			}
			bytes += len(m.Payload)
		}
		var ok bool
		if i+1 >= maxPlayerBatch {
			break
		}
		if pkt, ok = p.q.TryPop(); !ok {
			break
		}
	}
	if err := p.writeShared(); err != nil {
		return err
	}
	if err := c.w.Flush(); err != nil {
		return err
	}
	p.ls.out.Add(uint64(bytes), time.Now())
	return nil
}

// writeShared writes the queued shared encodings with one writev: a raw
// one first when the connection is plain TCP (see rawSocket),
// and what the socket did not take then waits for room as usual.
func (p *player) writeShared() error {
	if len(p.bufs) == 0 {
		return nil
	}
	bufs := net.Buffers(p.bufs)
	if p.sock != nil {
		bufs = skipBytes(bufs, p.sock.tryWritev(p.bufs))
	}
	var err error
	if len(bufs) > 0 {
		_, err = bufs.WriteTo(p.c.rw)
	}
	clear(p.bufs)
	p.bufs = p.bufs[:0]
	return err
}

// direct is the player's fast path, called by the publisher's hub write
// while this player waits for media with nothing queued (media.DirectFunc):
// it writes the packet's shared encoding to the socket without waiting, as
// nginx-rtmp does from its one event loop, and so spares a goroutine
// wake-up per packet and player. Whatever it cannot do now (the connection
// busy with another write, a packet needing its own encoding, a full
// socket) it leaves to the player's goroutine: the packet, or its unwritten
// rest.
func (p *player) direct(pkt wirePacket) (wirePacket, bool) {
	w, c := pkt.wire, p.c
	if w == nil || w.streamID != p.streamID || p.refuses(pkt) {
		return pkt, false
	}
	now := time.Now()
	if now.After(w.directUntil) || !c.wmu.TryLock() {
		return pkt, false
	}
	defer c.wmu.Unlock()
	if w.chunkSize != c.w.ChunkSize() || c.w.Buffered() > 0 || c.tail != nil || c.refreshWriteDeadline(now) != nil {
		return pkt, false
	}
	b := w.bytes(&pkt.Packet)
	n := p.sock.tryWrite(b)
	if n == 0 {
		return pkt, false
	}
	_, csid := chunk.KindRoute(pkt.Kind)
	c.w.Forget(csid)
	// The whole packet counts as sent now: a rest goes out before any
	// other byte, by whichever writer comes next (the read loop's flush
	// too), or the connection ends.
	w.directBytes.Add(uint64(len(b)))
	c.srv.counters.direct.Add(1)
	if n == len(b) {
		return pkt, true
	}
	c.srv.counters.directTails.Add(1)
	c.tail = b[n:] // before anything else goes out on this connection
	return wirePacket{Packet: pkt.Packet, wire: tailOwed}, false
}

// refuses reports whether pkt is video in a codec this player did not
// list in connect (run ends the player on it).
func (p *player) refuses(pkt wirePacket) bool {
	return pkt.Kind == media.KindVideo && refusalFor(p.ls.key, p.c.codecs, pkt.Codec) != ""
}

// skipBytes drops the first n bytes of bufs.
func skipBytes(bufs net.Buffers, n int) net.Buffers {
	for len(bufs) > 0 && n >= len(bufs[0]) {
		n -= len(bufs[0])
		bufs = bufs[1:]
	}
	if len(bufs) > 0 {
		bufs[0] = bufs[0][n:]
	}
	return bufs
}
