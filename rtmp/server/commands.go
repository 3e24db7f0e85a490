package server

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// errAuth ends a connection whose key was refused.
var errAuth = errors.New("refused: missing or wrong key")

func statusObject(level, code, desc string) amf0.Object {
	return amf0.Object{{Key: "level", Value: level}, {Key: "code", Value: code}, {Key: "description", Value: desc}}
}

// onStatus returns an onStatus command for message stream id.
func onStatus(id uint32, level, code, desc string) chunk.Message {
	m, _ := chunk.CommandMessage(chunk.CSIDStream, id, "onStatus", 0, nil, statusObject(level, code, desc))
	return m
}

// result answers transaction txn (nothing is sent for transaction 0).
func (c *serverConn) result(txn float64, object any, args ...any) error {
	if txn == 0 {
		return nil
	}
	m, err := chunk.CommandMessage(chunk.CSIDCommand, 0, "_result", txn, object, args...)
	if err != nil {
		return err
	}
	return c.write(m)
}

func (c *serverConn) errorResult(txn float64, code, desc string) error {
	m, err := chunk.CommandMessage(chunk.CSIDCommand, 0, "_error", txn, nil, statusObject("error", code, desc))
	if err != nil {
		return err
	}
	return c.write(m)
}

// command handles one command of the NetConnection or a NetStream.
func (c *serverConn) command(streamID uint32, cmd chunk.Command) error {
	if math.IsNaN(cmd.TransactionID) || math.IsInf(cmd.TransactionID, 0) {
		cmd.TransactionID = 0
	}
	if !c.connected {
		if cmd.Name != "connect" {
			return fmt.Errorf("%w: %q before connect", chunk.ErrProtocol, truncate(cmd.Name))
		}
		return c.connect(cmd)
	}
	switch cmd.Name {
	case "connect":
		return fmt.Errorf("%w: connect sent twice", chunk.ErrProtocol)
	case "releaseStream", "FCUnpublish", "getStreamLength", "_checkbw", "receiveAudio", "receiveVideo":
		return c.result(cmd.TransactionID, nil)
	case "FCPublish":
		m, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "onFCPublish", 0, nil, statusObject("status", chunk.StatusPublishStart, "FCPublish"))
		return c.write(m)
	case "createStream":
		return c.createStream(cmd)
	case "deleteStream":
		id, _ := cmd.Arg(0).(float64)
		if st := c.streams[uint32(id)]; id >= 1 && id <= math.MaxUint32 && st != nil {
			c.stopStream(st)
			delete(c.streams, st.id)
		}
		return nil
	case "closeStream":
		if st := c.streams[streamID]; st != nil {
			c.stopStream(st)
		}
		return nil
	case "publish":
		return c.publish(streamID, cmd)
	case "play":
		return c.play(streamID, cmd)
	}
	return nil // pause, seek, unknown calls: nothing to do for live streams
}

func (c *serverConn) connect(cmd chunk.Command) error {
	obj, ok := cmd.Object.(map[string]any)
	if !ok {
		return c.sendAndClose(fmt.Errorf("%w: connect without a command object", chunk.ErrProtocol),
			c.connectError(cmd.TransactionID, "connect needs a command object"))
	}
	app, _ := obj["app"].(string)
	app, key := splitQuery(strings.Trim(app, "/"))
	if err := checkName(app); err != nil {
		return c.sendAndClose(fmt.Errorf("refused app name: %w", err), c.connectError(cmd.TransactionID, "bad app name: "+err.Error()))
	}
	if key == "" {
		if tc, ok := obj["tcUrl"].(string); ok {
			_, key = splitQuery(tc)
		}
	}
	c.app, c.appKey, c.connected = app, key, true
	c.codecs = parseFourCCList(obj["fourCcList"])
	cs := c.srv.cfg.ChunkSize
	if err := c.write(chunk.WindowAckSizeMessage(chunk.AckWindow), chunk.SetPeerBandwidthMessage(chunk.AckWindow, chunk.BandwidthDynamic),
		chunk.SetChunkSizeMessage(uint32(cs))); err != nil {
		return err
	}
	c.wmu.Lock()
	err := c.w.SetChunkSize(cs)
	c.wmu.Unlock()
	if err != nil {
		return err
	}
	m, err := chunk.CommandMessage(chunk.CSIDCommand, 0, "_result", cmd.TransactionID,
		amf0.Object{{Key: "fmsVer", Value: "FMS/3,5,7,7009"}, {Key: "capabilities", Value: 31.0}, {Key: "mode", Value: 1.0},
			{Key: "fourCcList", Value: serverFourCCs}},
		amf0.Object{{Key: "level", Value: "status"}, {Key: "code", Value: chunk.StatusConnectSuccess}, {Key: "description", Value: "Connection succeeded."}, {Key: "objectEncoding", Value: 0.0}})
	if err != nil {
		return err
	}
	c.log.Debug("connected", "app", app)
	return c.write(m)
}

func (c *serverConn) connectError(txn float64, desc string) chunk.Message {
	m, _ := chunk.CommandMessage(chunk.CSIDCommand, 0, "_error", txn, nil, statusObject("error", chunk.StatusConnectRejected, desc))
	return m
}

func (c *serverConn) createStream(cmd chunk.Command) error {
	if len(c.streams) >= c.srv.cfg.Limits.MaxMessageStreams {
		return c.errorResult(cmd.TransactionID, "NetConnection.Call.Failed", "too many streams on one connection")
	}
	id := c.nextID
	c.nextID++
	c.streams[id] = &connStream{id: id}
	return c.result(cmd.TransactionID, nil, float64(id))
}

// streamKey is how a stream is named in the registry and in URLs.
func (c *serverConn) streamKey(name string) string { return c.app + "/" + name }

// idleStream returns the message stream id, created and neither publishing
// nor playing; otherwise it refuses verb with code and returns nil and the
// error that ends the connection.
func (c *serverConn) idleStream(id uint32, verb, code string) (*connStream, error) {
	st := c.streams[id]
	switch {
	case st == nil:
		return nil, c.sendAndClose(fmt.Errorf("%w: %s on stream %d, which was not created", chunk.ErrProtocol, verb, id),
			onStatus(id, "error", code, verb+" before createStream"))
	case st.pub != nil || st.player != nil:
		return nil, c.sendAndClose(fmt.Errorf("%w: %s on a busy stream", chunk.ErrProtocol, verb),
			onStatus(id, "error", code, "the stream is already in use"))
	}
	return st, nil
}

func (c *serverConn) publish(streamID uint32, cmd chunk.Command) error {
	st, err := c.idleStream(streamID, "publish", chunk.StatusPublishBadName)
	if st == nil {
		return err
	}
	raw, _ := cmd.Arg(0).(string)
	auth := c.srv.auth.Load()
	name, key := streamCredentials(raw, auth.PublishKeys)
	if key == "" {
		key = c.appKey
	}
	if err := checkName(name); err != nil {
		return c.sendAndClose(fmt.Errorf("refused stream name: %w", err), onStatus(streamID, "error", chunk.StatusPublishBadName, err.Error()))
	}
	if len(auth.PublishKeys) > 0 && !c.srv.checkKey(c, key, auth.PublishKeys) {
		return c.sendAndClose(fmt.Errorf("publish %w", errAuth),
			onStatus(streamID, "error", chunk.StatusPublishDenied, "publishing needs a valid key"))
	}
	full := c.streamKey(name)
	ls, err := c.srv.attachPublisher(full, c, c.addr)
	if err != nil {
		return c.sendAndClose(fmt.Errorf("publish of %s refused: %w", full, err),
			onStatus(streamID, "error", chunk.StatusPublishBadName, full+" is already being published"))
	}
	st.pub = ls
	c.log.Info("publishing", "stream", full)
	return c.write(chunk.UserControlMessage(chunk.EventStreamBegin, streamID),
		onStatus(streamID, "status", chunk.StatusPublishStart, full+" is now published."))
}

func (c *serverConn) play(streamID uint32, cmd chunk.Command) error {
	st, err := c.idleStream(streamID, "play", chunk.StatusPlayFailed)
	if st == nil {
		return err
	}
	raw, _ := cmd.Arg(0).(string)
	auth := c.srv.auth.Load()
	keys := auth.playKeys()
	name, key := streamCredentials(raw, keys)
	if key == "" {
		key = c.appKey
	}
	if err := checkName(name); err != nil {
		return c.sendAndClose(fmt.Errorf("refused stream name: %w", err), onStatus(streamID, "error", chunk.StatusPlayFailed, err.Error()))
	}
	if !auth.OpenPlay && !c.ip.IsLoopback() && !c.srv.checkKey(c, key, keys) {
		return c.sendAndClose(fmt.Errorf("play %w", errAuth),
			onStatus(streamID, "error", chunk.StatusPlayFailed, "playing from another computer needs a valid key"))
	}
	full := c.streamKey(name)
	ls, q, err := c.srv.subscribe(full)
	if err != nil {
		return err
	}
	if err := c.write(chunk.UserControlMessage(chunk.EventStreamIsRecorded, streamID), chunk.UserControlMessage(chunk.EventStreamBegin, streamID),
		onStatus(streamID, "status", chunk.StatusPlayReset, "Playing and resetting "+full+"."),
		onStatus(streamID, "status", chunk.StatusPlayStart, "Started playing "+full+"."),
		sampleAccess(streamID)); err != nil {
		c.srv.unsubscribe(ls, q)
		return err
	}
	if err := c.flush(); err != nil {
		c.srv.unsubscribe(ls, q)
		return err
	}
	st.player = c.startPlayer(streamID, ls, q)
	c.log.Info("playing", "stream", full)
	return nil
}

// sampleAccess is the |RtmpSampleAccess data message Flash-era players expect.
func sampleAccess(id uint32) chunk.Message {
	b, _ := amf0.Encode("|RtmpSampleAccess", true, true)
	return chunk.Message{TypeID: chunk.TypeDataAMF0, CSID: chunk.CSIDData, StreamID: id, Payload: b}
}

// stopStream ends publishing or playing on st; the connection's idle
// timeout counts from now.
func (c *serverConn) stopStream(st *connStream) {
	if st.pub != nil || st.player != nil {
		c.lastActive, c.hadStream = time.Now(), true
	}
	if st.pub != nil {
		c.srv.detachPublisher(st.pub, c)
		c.log.Info("unpublished", "stream", st.pub.key)
		_ = c.write(onStatus(st.id, "status", chunk.StatusUnpublishSuccess, st.pub.key+" is now unpublished."))
		st.pub, st.media = nil, false
	}
	if st.player != nil {
		st.player.stop()
		st.player = nil
	}
}

// checkKey checks key against keys, with per-IP rate limiting of failures.
func (s *Server) checkKey(c *serverConn, key string, keys []string) bool {
	now := time.Now()
	if s.limiter.blocked(c.ip, now) {
		s.counters.authFailures.Add(1)
		return false
	}
	if KeyMatches(key, keys) {
		return true
	}
	s.limiter.fail(c.ip, now)
	s.counters.authFailures.Add(1)
	return false
}

// truncate bounds peer-supplied text before it reaches a log line.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
