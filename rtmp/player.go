package rtmp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// PlayerOptions configures DialPlay. Zero fields take their defaults.
type PlayerOptions struct {
	// CAFile, Timeout and Limits are as for PublisherOptions.
	CAFile  string
	Timeout time.Duration
	Limits  chunk.Limits
	// WrapConn, when set, wraps the connection after dialing (tests use it
	// to read slowly).
	WrapConn func(net.Conn) net.Conn
	// Log receives debug lines. Nil discards.
	Log *slog.Logger
	// ReusePayloads makes a packet's Data valid only until the next
	// ReadPacket, so that the Player reuses its buffers instead of
	// allocating one per packet (chunk.Reader.ReusePayloads).
	ReusePayloads bool
}

// Player is an RTMP play session: DialPlay returns it once the server has
// answered play; ReadPacket then returns the stream's packets. It is used
// by one goroutine, except Close.
type Player struct {
	t        Target
	conn     net.Conn
	r        *chunk.Reader
	w        *chunk.Writer
	limits   chunk.Limits
	timeout  time.Duration
	streamID uint32
	ts       [3]media.TimestampUnwrapper
	ackWin   uint32
	lastAck  uint64
}

// DialPlay connects to rawURL (rtmp[s]://host[:port]/app/name[?query]) and
// starts playing it.
func DialPlay(ctx context.Context, rawURL string, opt PlayerOptions) (*Player, error) {
	t, err := ParseTarget(rawURL, "")
	if err != nil {
		return nil, err
	}
	po := PublisherOptions{CAFile: opt.CAFile, Timeout: opt.Timeout, Limits: opt.Limits, Log: opt.Log}.withDefaults()
	conn, err := dialConn(ctx, t, po, po.Log)
	if err != nil {
		return nil, err
	}
	if opt.WrapConn != nil {
		conn = opt.WrapConn(conn)
	}
	p := &Player{t: t, conn: conn, r: chunk.NewReader(conn, po.Limits), w: chunk.NewWriter(conn, chunk.DefaultChunkSize),
		limits: po.Limits, timeout: po.Timeout}
	if opt.ReusePayloads {
		p.r.ReusePayloads()
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	err = p.start()
	if !stop() || ctx.Err() != nil {
		err = fmt.Errorf("playing %s: %w", t.Redacted(), context.Cause(ctx))
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return p, nil
}

func (p *Player) send(msgs ...chunk.Message) error {
	if err := p.conn.SetWriteDeadline(time.Now().Add(p.timeout)); err != nil {
		return err
	}
	for _, m := range msgs {
		if err := p.w.WriteMessage(m); err != nil {
			return err
		}
	}
	return p.w.Flush()
}

// start runs handshake, connect, createStream and play.
func (p *Player) start() error {
	if err := chunk.ClientHandshake(p.conn, p.timeout); err != nil {
		return err
	}
	_ = p.conn.SetReadDeadline(time.Now().Add(p.timeout))
	connect, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "connect", 1, amf0.Object{
		{Key: "app", Value: p.t.App}, {Key: "flashVer", Value: "LNX 9,0,124,2"}, {Key: "tcUrl", Value: p.t.TCURL}, {Key: "fpad", Value: false},
		{Key: "capabilities", Value: 15.0}, {Key: "audioCodecs", Value: 4071.0}, {Key: "videoCodecs", Value: 252.0}, {Key: "videoFunction", Value: 1.0},
		// Enhanced RTMP: ReadPacket returns HEVC, AV1 and VP9 packets too.
		{Key: "fourCcList", Value: media.FourCCList()},
	})
	create, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "createStream", 2, nil)
	if err := p.send(chunk.WindowAckSizeMessage(chunk.AckWindow), connect, create); err != nil {
		return err
	}
	for p.streamID == 0 {
		c, err := p.nextCommand()
		if err != nil {
			return err
		}
		switch {
		case c.Name == "_error":
			return fmt.Errorf("%w: the server refused %s: %s", ErrPublishRejected, txnName(c.TransactionID), chunk.StatusOf(c).Description)
		case c.Name == "_result" && c.TransactionID == 2:
			id, _ := c.Arg(0).(float64)
			if id < 1 {
				return errors.New("the server answered createStream with an invalid stream id")
			}
			p.streamID = uint32(id)
		}
	}
	play, _ := chunk.CommandMessage(chunk.CSIDStream, p.streamID, "play", 0, nil, p.t.PublishName(), -2.0)
	if err := p.send(play, chunk.UserControlMessage(chunk.EventSetBufferLength, p.streamID)); err != nil {
		return err
	}
	for {
		c, err := p.nextCommand()
		if err != nil {
			return err
		}
		st := chunk.StatusOf(c)
		switch {
		case c.Name == "onStatus" && strings.EqualFold(st.Level, "error"):
			return fmt.Errorf("%w: %s: %s", ErrPublishRejected, st.Code, st.Description)
		case c.Name == "onStatus" && st.Code == chunk.StatusPlayStart:
			return nil
		}
	}
}

func txnName(txn float64) string {
	if txn == 1 {
		return "connect"
	}
	return "createStream"
}

// nextCommand reads until the next command, answering control messages.
func (p *Player) nextCommand() (chunk.Command, error) {
	for {
		m, err := p.readMessage()
		if err != nil {
			return chunk.Command{}, err
		}
		if m.TypeID == chunk.TypeCommandAMF0 || m.TypeID == chunk.TypeCommandAMF3 {
			return chunk.ParseCommand(m, p.limits)
		}
	}
}

func (p *Player) readMessage() (chunk.Message, error) {
	m, err := p.r.ReadMessage()
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return m, fmt.Errorf("the server %s did not answer in time", p.t.Addr())
		}
		return m, err
	}
	switch m.TypeID {
	case chunk.TypeWindowAckSize:
		if v, err := chunk.ParseUint32Payload(m); err == nil && v > 0 {
			p.ackWin = max(v, chunk.MinAckWindow)
		}
	case chunk.TypeUserControl:
		if ev, v, err := chunk.ParseUserControl(m); err == nil && ev == chunk.EventPingRequest {
			_ = p.send(chunk.UserControlMessage(chunk.EventPingResponse, v))
		}
	}
	if n := p.r.BytesRead(); p.ackWin > 0 && n-p.lastAck >= uint64(p.ackWin) {
		p.lastAck = n
		_ = p.send(chunk.AckMessage(uint32(n)))
	}
	return m, nil
}

// ReadPacket returns the next packet of the stream, with timestamps
// unwrapped past 32 bits. It returns io.EOF when the server says the
// stream ended, or when it closes the connection.
func (p *Player) ReadPacket() (media.Packet, error) {
	for {
		m, err := p.readMessage()
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return media.Packet{}, io.EOF
			}
			return media.Packet{}, err
		}
		switch m.TypeID {
		case chunk.TypeCommandAMF0, chunk.TypeCommandAMF3:
			c, err := chunk.ParseCommand(m, p.limits)
			if err != nil {
				return media.Packet{}, err
			}
			st := chunk.StatusOf(c)
			if st.Code == chunk.StatusPlayUnpublish || st.Code == chunk.StatusPlayStop || strings.EqualFold(st.Level, "error") {
				return media.Packet{}, io.EOF
			}
			continue
		case chunk.TypeAudio, chunk.TypeVideo, chunk.TypeDataAMF0:
		default:
			continue
		}
		pkt, err := chunk.PacketFromMessage(m)
		if err != nil {
			if errors.Is(err, flv.ErrNotMedia) {
				continue
			}
			return media.Packet{}, err
		}
		cts := pkt.PTS - pkt.DTS
		pkt.DTS = p.ts[pkt.Kind-1].Unwrap(m.Timestamp)
		pkt.PTS = pkt.DTS + cts
		return pkt, nil
	}
}

// SetReadDeadline bounds the next ReadPacket calls.
func (p *Player) SetReadDeadline(t time.Time) error { return p.conn.SetReadDeadline(t) }

// BytesRead returns the bytes received so far.
func (p *Player) BytesRead() uint64 { return p.r.BytesRead() }

// Close closes the connection.
func (p *Player) Close() error { return p.conn.Close() }
