package rtmp

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// fakeOpts scripts the fake RTMP server. The zero value accepts a publish.
type fakeOpts struct {
	rawReply        []byte // send this instead of the handshake, then close
	silent          bool   // accept and never answer (blackhole)
	peerChunkSize   uint32 // SetChunkSize sent before the connect result
	ackWindow       uint32 // WindowAckSize sent before the connect result
	connectError    *chunk.StatusInfo
	closeOnConnect  bool
	createError     bool
	closeOnPublish  bool // what nginx does for "deny publish"
	silentOnPublish bool
	publishStatus   *chunk.StatusInfo // instead of NetStream.Publish.Start
	afterPublish    func(f *fakeConn)

	chunkSizeFirst  uint32        // SetChunkSize sent right after the handshake, used for every message
	connectReply    []byte        // raw AMF0 command payload sent as the answer to connect
	silentOnConnect bool          // read but never answer connect
	silentOnCreate  bool          // answer connect, never createStream
	replyDelay      time.Duration // wait this long before answering each command
	honorAckWindow  bool          // acknowledge the client's bytes per its WindowAckSize, as nginx does
	ackFor          time.Duration // stop acknowledging this long after publish (keep reading)
	stallAfter      time.Duration // stop reading this long after publish (a hung ingest)
}

// fakeServer is a minimal RTMP server built on our own chunk layer. It
// records what the client sends, in order.
type fakeServer struct {
	t         *testing.T
	ln        net.Listener
	opts      fakeOpts
	wg        sync.WaitGroup
	chStop    chan struct{} // closed by close: releases stalled connections
	closeOnce sync.Once

	mu       sync.Mutex
	events   []string
	msgs     []chunk.Message // media and data messages, in order
	connect  chunk.Command
	publish  chunk.Command
	chunk    int    // client chunk size at the end
	acksSent int    // Acknowledgements sent to the client
	window   uint32 // the client's WindowAckSize
}

// fakeConn is one accepted connection.
type fakeConn struct {
	s         *fakeServer
	c         net.Conn
	r         *chunk.Reader
	w         *chunk.Writer
	ackWin    uint32
	lastAck   uint64
	published time.Time
}

// acksSentCount returns how many Acknowledgements the server sent.
func (s *fakeServer) acksSentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acksSent
}

func startFakeServer(t *testing.T, opts fakeOpts, tlsCfg *tls.Config) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	s := &fakeServer{t: t, ln: ln, opts: opts, chStop: make(chan struct{})}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *fakeServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *fakeServer) url(scheme string) string {
	return fmt.Sprintf("%s://127.0.0.1:%d/live", scheme, s.port())
}

// close stops the server and waits for its goroutines; it is safe to
// call twice.
func (s *fakeServer) close() {
	s.closeOnce.Do(func() { close(s.chStop) })
	_ = s.ln.Close()
	s.wg.Wait()
}

func (s *fakeServer) accept() {
	defer s.wg.Done()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		conns = append(conns, c)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(c)
		}()
	}
}

func (s *fakeServer) event(format string, args ...any) {
	s.mu.Lock()
	s.events = append(s.events, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

// waitEvent waits until an event with the prefix has been recorded.
func (s *fakeServer) waitEvent(prefix string) []string {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		ev := append([]string(nil), s.events...)
		s.mu.Unlock()
		for _, e := range ev {
			if strings.HasPrefix(e, prefix) {
				return ev
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.t.Fatalf("no %q event; got %q", prefix, s.events)
	return nil
}

func (s *fakeServer) serve(c net.Conn) {
	defer c.Close()
	if s.opts.silent {
		_, _ = io.Copy(io.Discard, c) // until the client gives up
		return
	}
	if s.opts.rawReply != nil {
		_, _ = c.Write(s.opts.rawReply)
		time.Sleep(50 * time.Millisecond)
		return
	}
	if _, err := chunk.ServerHandshake(c, 5*time.Second); err != nil {
		s.event("handshake error: %v", err)
		return
	}
	f := &fakeConn{s: s, c: c, r: chunk.NewReader(c, chunk.Limits{}), w: chunk.NewWriter(c, chunk.DefaultChunkSize)}
	defer func() {
		s.mu.Lock()
		s.chunk = f.r.ChunkSize()
		s.mu.Unlock()
	}()
	if n := s.opts.chunkSizeFirst; n > 0 {
		f.send(chunk.SetChunkSizeMessage(n))
		f.w = chunk.NewWriter(f.c, int(n)) // announced above, unchecked: hostile sizes too
	}
	for {
		if o := s.opts; o.stallAfter > 0 && !f.published.IsZero() && time.Since(f.published) > o.stallAfter {
			s.event("stalled")
			<-s.chStop // never read again; the kernel buffers fill up
			return
		}
		m, err := f.r.ReadMessage()
		if err != nil {
			if errors.Is(err, io.EOF) {
				s.event("eof")
			} else {
				s.event("read error: %v", err)
			}
			return
		}
		if !f.handle(m) {
			return
		}
		f.acknowledge()
	}
}

// acknowledge sends an Acknowledgement each time the client's window
// fills, when the server honours the window.
func (f *fakeConn) acknowledge() {
	o := f.s.opts
	if !o.honorAckWindow || f.ackWin == 0 {
		return
	}
	if o.ackFor > 0 && !f.published.IsZero() && time.Since(f.published) > o.ackFor {
		return
	}
	if n := f.r.BytesRead(); n-f.lastAck >= uint64(f.ackWin) {
		f.lastAck = n
		f.send(chunk.AckMessage(uint32(n)))
		f.s.mu.Lock()
		f.s.acksSent++
		f.s.mu.Unlock()
	}
}

func (f *fakeConn) send(msgs ...chunk.Message) {
	for _, m := range msgs {
		_ = f.w.WriteMessage(m)
	}
	_ = f.w.Flush()
}

func (f *fakeConn) reply(streamID uint32, name string, txn float64, obj any, args ...any) {
	m, err := chunk.CommandMessage(chunk.CSIDCommand, streamID, name, txn, obj, args...)
	if err != nil {
		f.s.t.Error(err)
	}
	f.send(m)
}

func status(level, code, desc string) amf0.Object {
	return amf0.Object{{Key: "level", Value: level}, {Key: "code", Value: code}, {Key: "description", Value: desc}}
}

// handle records m and answers it; false ends the connection.
func (f *fakeConn) handle(m chunk.Message) bool {
	s, o := f.s, f.s.opts
	switch m.TypeID {
	case chunk.TypeSetChunkSize:
		v, _ := chunk.ParseUint32Payload(m)
		s.event("setchunksize:%d", v)
	case chunk.TypeAck:
		s.event("ack")
	case chunk.TypeWindowAckSize:
		f.ackWin, _ = chunk.ParseUint32Payload(m)
		s.mu.Lock()
		s.window = f.ackWin
		s.mu.Unlock()
	case chunk.TypeUserControl:
		ev, v, _ := chunk.ParseUserControl(m)
		if ev == chunk.EventPingResponse {
			s.event("pong:%d", v)
		}
	case chunk.TypeAudio, chunk.TypeVideo, chunk.TypeDataAMF0:
		s.mu.Lock()
		s.msgs = append(s.msgs, m)
		s.mu.Unlock()
	case chunk.TypeCommandAMF0:
		c, err := chunk.ParseCommand(m, chunk.Limits{})
		if err != nil {
			s.event("bad command: %v", err)
			return false
		}
		s.event("cmd:%s", c.Name)
		return f.command(c, o)
	}
	return true
}

func (f *fakeConn) command(c chunk.Command, o fakeOpts) bool {
	s := f.s
	if o.replyDelay > 0 && (c.Name == "connect" || c.Name == "createStream" || c.Name == "publish") {
		time.Sleep(o.replyDelay)
	}
	switch c.Name {
	case "connect":
		s.mu.Lock()
		s.connect = c
		s.mu.Unlock()
		switch {
		case o.closeOnConnect:
			return false
		case o.silentOnConnect:
			return true
		case o.connectReply != nil:
			f.send(chunk.Message{TypeID: chunk.TypeCommandAMF0, CSID: chunk.CSIDCommand, Payload: o.connectReply})
			return true
		}
		if o.connectError != nil {
			st := o.connectError
			f.reply(0, "_error", c.TransactionID, nil, status(st.Level, st.Code, st.Description))
			return true
		}
		msgs := []chunk.Message{chunk.WindowAckSizeMessage(2500000), chunk.SetPeerBandwidthMessage(2500000, chunk.BandwidthDynamic)}
		if o.ackWindow > 0 {
			msgs[0] = chunk.WindowAckSizeMessage(o.ackWindow)
		}
		f.send(msgs...)
		if o.peerChunkSize > 0 {
			f.send(chunk.SetChunkSizeMessage(o.peerChunkSize))
			f.w = chunk.NewWriter(f.c, int(o.peerChunkSize))
		}
		f.reply(0, "_result", c.TransactionID, amf0.Object{{Key: "fmsVer", Value: "FMS/3,0,1,123"}, {Key: "capabilities", Value: 31}},
			status("status", "NetConnection.Connect.Success", "Connection succeeded."))
		f.reply(0, "onBWDone", 0, nil, 8192)
	case "releaseStream", "FCPublish":
		f.reply(0, "_error", c.TransactionID, nil, status("error", "NetConnection.Call.Failed", "not supported"))
	case "createStream":
		if o.silentOnCreate {
			return true
		}
		if o.createError {
			f.reply(0, "_error", c.TransactionID, nil, status("error", "NetConnection.Call.Failed", "no streams"))
			return true
		}
		f.reply(0, "_result", c.TransactionID, nil, 1)
	case "publish":
		s.mu.Lock()
		s.publish = c
		s.mu.Unlock()
		switch {
		case o.closeOnPublish:
			return false
		case o.silentOnPublish:
			return true
		case o.publishStatus != nil:
			st := o.publishStatus
			f.reply(1, "onStatus", 0, nil, status(st.Level, st.Code, st.Description))
			return true
		}
		f.send(chunk.UserControlMessage(chunk.EventStreamBegin, 1))
		f.reply(1, "onStatus", 0, nil, status("status", "NetStream.Publish.Start", "Start publishing"))
		f.published = time.Now()
		if o.afterPublish != nil {
			o.afterPublish(f)
		}
	}
	return true
}
