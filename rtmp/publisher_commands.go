package rtmp

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// Transaction ids of the publish sequence.
const (
	txnConnect       = 1
	txnReleaseStream = 2
	txnFCPublish     = 3
	txnCreateStream  = 4
	txnPublish       = 5
	txnFCUnpublish   = 6
	txnDeleteStream  = 7
)

// publishGrace is how long Dial watches for a refusal after Publish.Start.
const publishGrace = 500 * time.Millisecond

// flashVer identifies us the way encoders do (FMLE-compatible).
const flashVer = "FMLE/3.0 (compatible; OnAir Studio)"

// startSession runs handshake → SetChunkSize, WindowAckSize → connect → releaseStream,
// FCPublish, createStream → publish, waiting for each answer.
func (p *Publisher) startSession() error {
	addr, to := p.t.Addr(), p.opt.Timeout
	if err := chunk.ClientHandshake(p.conn, to); err != nil {
		return fmt.Errorf("connecting to %s: %w", addr, err)
	}
	p.log.Debug("handshake done")
	appName, _, _ := strings.Cut(p.t.App, "?")

	connect, err := chunk.CommandMessage(chunk.CSIDCommand, 0, "connect", txnConnect, amf0.Object{
		{Key: "app", Value: p.t.App},
		{Key: "type", Value: "nonprivate"},
		{Key: "flashVer", Value: flashVer},
		{Key: "swfUrl", Value: p.t.TCURL},
		{Key: "tcUrl", Value: p.t.TCURL},
	})
	if err != nil {
		return err
	}
	p.mu.Lock()
	err = p.w.SetChunkSize(p.opt.ChunkSize)
	if err != nil {
		err = fmt.Errorf("invalid ChunkSize option: %w", err)
	} else {
		// Announcing our window asks the server to acknowledge what it
		// reads, which arms the watchdog (watchAcks).
		err = p.writeLocked(to, chunk.WindowAckSizeMessage(publisherAckWindow), connect)
	}
	p.mu.Unlock()
	if err != nil {
		return err
	}
	err = p.await("connect", func(c chunk.Command) (bool, error) {
		if c.TransactionID != txnConnect {
			return false, nil
		}
		switch c.Name {
		case "_result":
			return true, nil
		case "_error":
			return false, p.rejected("the server rejected the connection to app %q (%s)", appName, p.statusText(chunk.StatusOf(c)))
		}
		return false, nil
	})
	if err != nil {
		return p.stepError(err, "connect", "during connect (wrong app name?)")
	}
	p.log.Debug("connected", "app", appName)

	name := p.t.PublishName()
	release, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "releaseStream", txnReleaseStream, nil, name)
	fcPublish, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "FCPublish", txnFCPublish, nil, name)
	create, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "createStream", txnCreateStream, nil)
	if err := p.sendStep(release, fcPublish, create); err != nil {
		return err
	}
	err = p.await("createStream", func(c chunk.Command) (bool, error) {
		if c.TransactionID != txnCreateStream {
			return false, nil // answers to releaseStream and FCPublish do not matter
		}
		switch c.Name {
		case "_result":
			id, ok := c.Arg(0).(float64)
			if !ok || id < 1 || id > math.MaxUint32 || id != math.Trunc(id) {
				return false, fmt.Errorf("the server %s answered createStream with an invalid stream id", addr)
			}
			p.streamID = uint32(id)
			return true, nil
		case "_error":
			return false, p.rejected("the server refused to create a stream (%s)", p.statusText(chunk.StatusOf(c)))
		}
		return false, nil
	})
	if err != nil {
		return p.stepError(err, "createStream", "before publishing started (publishing refused?)")
	}

	publish, _ := chunk.CommandMessage(chunk.CSIDStream, p.streamID, "publish", txnPublish, nil, name, "live")
	if err := p.sendStep(publish); err != nil {
		return err
	}
	err = p.await("publish", func(c chunk.Command) (bool, error) {
		switch st := chunk.StatusOf(c); {
		case c.Name == "_error" && c.TransactionID == txnPublish,
			c.Name == "onStatus" && strings.EqualFold(st.Level, "error"):
			return false, p.rejected("the server refused the publish (%s)", p.statusText(st))
		case c.Name == "onStatus" && st.Code == "NetStream.Publish.Start":
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return p.stepError(err, "publish", "before publishing started (publishing refused?)")
	}
	return p.confirmPublish()
}

// confirmPublish watches the connection for a short grace period after
// NetStream.Publish.Start: nginx-rtmp sends Publish.Start before its access
// check, then closes the socket when publishing is denied.
func (p *Publisher) confirmPublish() error {
	end := time.Now().Add(min(publishGrace, p.opt.Timeout/2))
	for time.Now().Before(end) {
		if err := p.conn.SetReadDeadline(end); err != nil {
			return err
		}
		err := p.r.WaitData()
		if isTimeout(err) {
			return nil
		}
		if err == nil {
			// A message has started: give it the full step timeout.
			err = p.conn.SetReadDeadline(time.Now().Add(p.opt.Timeout))
		}
		var m chunk.Message
		if err == nil {
			m, err = p.r.ReadMessage()
		}
		if err != nil {
			return p.stepError(err, "publish", "before publishing started (publishing refused?)")
		}
		p.handleControl(m)
		if m.TypeID != chunk.TypeCommandAMF0 && m.TypeID != chunk.TypeCommandAMF3 {
			continue
		}
		if c, err := chunk.ParseCommand(m, p.opt.Limits); err == nil {
			if st := chunk.StatusOf(c); c.Name == "onStatus" && strings.EqualFold(st.Level, "error") {
				return p.rejected("the server refused the publish (%s)", p.statusText(st))
			}
			if err := p.liveCommand(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// sendStep writes command messages during Dial.
func (p *Publisher) sendStep(msgs ...chunk.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.writeLocked(p.opt.Timeout, msgs...)
}

// await reads server messages until match accepts a command, handling
// control messages on the way, all within opt.Timeout.
func (p *Publisher) await(step string, match func(chunk.Command) (bool, error)) error {
	if err := p.conn.SetReadDeadline(time.Now().Add(p.opt.Timeout)); err != nil {
		return err
	}
	for {
		m, err := p.r.ReadMessage()
		if err != nil {
			return err
		}
		p.handleControl(m)
		if m.TypeID != chunk.TypeCommandAMF0 && m.TypeID != chunk.TypeCommandAMF3 {
			continue
		}
		c, err := chunk.ParseCommand(m, p.opt.Limits)
		if errors.Is(err, chunk.ErrLimit) {
			// An AMF bomb (huge counts, deep nesting) is hostile, not a
			// quirk: fail the step now rather than at its timeout.
			return err
		}
		if err != nil {
			p.log.Debug("ignoring malformed command", "step", step, "err", err)
			continue
		}
		p.log.Debug("server command", "step", step, "name", p.t.scrub(c.Name), "txn", c.TransactionID)
		done, err := match(c)
		if err != nil || done {
			return err
		}
	}
}

// stepError turns a read failure during a step into a sentence.
func (p *Publisher) stepError(err error, step, closedWhen string) error {
	if errors.Is(err, ErrPublishRejected) {
		return err
	}
	if errors.Is(err, chunk.ErrLimit) || errors.Is(err, chunk.ErrProtocol) || errors.Is(err, chunk.ErrMalformed) {
		return fmt.Errorf("the server %s sent invalid RTMP data during %s: %w", p.t.Addr(), step, err)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || chunk.IsConnReset(err) {
		return fmt.Errorf("the server closed the connection %s%w", closedWhen, chunk.Mark(ErrPublishRejected))
	}
	if isTimeout(err) {
		return fmt.Errorf("the server %s did not answer %s within %v", p.t.Addr(), step, p.opt.Timeout)
	}
	return describeIOError(err, p.t, p.opt.Timeout, "receiving from")
}

// rejected builds an ErrPublishRejected error.
func (p *Publisher) rejected(format string, args ...any) error {
	return fmt.Errorf(format+"%w", append(args, chunk.Mark(ErrPublishRejected))...)
}

// statusText renders a status for an error message: the code, plus the
// server's description scrubbed of the key and shortened.
func (p *Publisher) statusText(s chunk.StatusInfo) string {
	text := s.Code
	if text == "" {
		text = "no status code"
	}
	if d := strings.TrimSpace(p.t.scrub(s.Description)); d != "" {
		if len(d) > 160 {
			d = d[:160] + "…"
		}
		text += ": " + d
	}
	return text
}

// handleControl reacts to protocol and user control messages and sends
// acknowledgements. It runs on whichever goroutine reads.
func (p *Publisher) handleControl(m chunk.Message) {
	switch m.TypeID {
	case chunk.TypeWindowAckSize:
		if v, err := chunk.ParseUint32Payload(m); err == nil {
			p.ackWindow = v
		}
	case chunk.TypeAck:
		if v, err := chunk.ParseUint32Payload(m); err == nil {
			p.acks.onAck(v, p.conn.sent.Load(), time.Now())
		}
	case chunk.TypeSetChunkSize, chunk.TypeSetPeerBandwidth:
		v, _ := chunk.ParseUint32Payload(m)
		p.log.Debug("server control", "type", m.TypeID, "value", v)
	case chunk.TypeUserControl:
		ev, v, err := chunk.ParseUserControl(m)
		if err == nil && ev == chunk.EventPingRequest {
			p.send(chunk.UserControlMessage(chunk.EventPingResponse, v))
		}
	}
	if n := p.r.BytesRead(); p.ackWindow > 0 && n-p.lastAck >= uint64(p.ackWindow) {
		p.lastAck = n
		p.send(chunk.AckMessage(uint32(n)))
	}
}

// liveCommand handles a command received after publish started.
func (p *Publisher) liveCommand(c chunk.Command) error {
	st := chunk.StatusOf(c)
	switch {
	case c.Name == "onStatus" && strings.EqualFold(st.Level, "error"):
		return p.rejected("the server stopped the stream (%s)", p.statusText(st))
	case c.Name == "close":
		return fmt.Errorf("the server %s closed the session", p.t.Addr())
	}
	p.log.Debug("server command", "name", p.t.scrub(c.Name), "code", p.t.scrub(st.Code))
	return nil
}

// sendGoodbyeLocked queues FCUnpublish and deleteStream and flushes them.
func (p *Publisher) sendGoodbyeLocked() error {
	unpub, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "FCUnpublish", txnFCUnpublish, nil, p.t.PublishName())
	del, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "deleteStream", txnDeleteStream, nil, p.streamID)
	timeout := min(p.opt.WriteTimeout, 2*time.Second)
	if err := p.flushLocked(timeout, unpub, del); err != nil {
		return describeIOError(err, p.t, timeout, "sending to")
	}
	return nil
}
