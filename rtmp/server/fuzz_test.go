package server

import (
	"bytes"
	"encoding/binary"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
	"github.com/seed7c1a73c4/onair/rtmp/internal/wiretest"
)

// FuzzServerConn feeds arbitrary bytes, after a valid handshake, to a real
// server connection over loopback. One server runs per fuzz process, with
// tiny timeouts. After each input the test half-closes, reads until the
// server hangs up (about 1 s at most), and fails if the server panicked,
// does not release the connection or its streams, or stops accepting and
// handshaking new connections.
func FuzzServerConn(f *testing.F) {
	for _, s := range serverFuzzSeeds(f) {
		if !s.file {
			f.Add(s.data)
		}
	}
	logs := &lastBytes{max: 32 << 10}
	srv, addr := startServer(f, Config{
		HandshakeTimeout:   500 * time.Millisecond,
		IdleTimeout:        500 * time.Millisecond,
		MediaTimeout:       300 * time.Millisecond,
		WriteTimeout:       500 * time.Millisecond,
		PlayWaitTimeout:    200 * time.Millisecond,
		MaxPlayerLag:       500 * time.Millisecond,
		ReplaceSilentAfter: 100 * time.Millisecond,
		// Small limits keep an iteration cheap; the logic is the same.
		Limits: chunk.Limits{MaxMessageSize: 1 << 20, MaxPendingBytes: 2 << 20},
		Log:    slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		panics := srv.Stats().Panics
		feedServer(t, addr, data)
		waitServerIdle(t, srv, 3*time.Second)
		if n := srv.Stats().Panics; n > panics {
			t.Fatalf("the server panicked on this input:\n%s", logs)
		}
		// The server still accepts and handshakes a new connection.
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatalf("the server stopped accepting: %v", err)
		}
		err = chunk.ClientHandshake(c, 2*time.Second)
		c.Close()
		if err != nil {
			t.Fatalf("the server stopped handshaking: %v", err)
		}
		waitServerIdle(t, srv, 3*time.Second)
	})
}

// feedServer handshakes, writes data, half-closes and reads until the
// server hangs up or 1 s has passed.
func feedServer(t *testing.T, addr string, data []byte) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("the server stopped accepting: %v", err)
	}
	defer c.Close()
	if err := chunk.ClientHandshake(c, 2*time.Second); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	_ = c.SetDeadline(time.Now().Add(time.Second))
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		if _, err := c.Write(data); err == nil {
			_ = c.(*net.TCPConn).CloseWrite()
		}
	}()
	_, _ = io.Copy(io.Discard, c) // until the server closes, or the deadline
	c.Close()
	<-wrote
}

// waitServerIdle waits until the server has no connection and no stream.
func waitServerIdle(t *testing.T, srv *Server, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		st := srv.Stats()
		if st.Connections == 0 && len(st.Streams) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v after the client left, the server still has %d connections and %d streams", within, st.Connections, len(st.Streams))
		}
		time.Sleep(time.Millisecond)
	}
}

// lastBytes keeps the end of what is written to it (the server's error
// lines, with the stack of a recovered panic).
type lastBytes struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (l *lastBytes) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, p...)
	if len(l.b) > l.max {
		l.b = append([]byte(nil), l.b[len(l.b)-l.max:]...)
	}
	return len(p), nil
}

func (l *lastBytes) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}

// session builds the client side of an RTMP session (after the
// handshake) as bytes.
type session struct {
	tb  testing.TB
	buf bytes.Buffer
	w   *chunk.Writer
	ts  uint32
}

func newSession(tb testing.TB) *session {
	s := &session{tb: tb}
	s.w = chunk.NewWriter(&s.buf, chunk.DefaultChunkSize)
	return s
}

func (s *session) msg(ms ...chunk.Message) *session {
	for _, m := range ms {
		if err := s.w.WriteMessage(m); err != nil {
			s.tb.Fatal(err)
		}
	}
	return s
}

func (s *session) cmd(csid, sid uint32, name string, txn float64, obj any, args ...any) *session {
	return s.msg(cmd(s.tb, csid, sid, name, txn, obj, args...))
}

// raw appends bytes as they are, after what was queued.
func (s *session) raw(b []byte) *session {
	_ = s.w.Flush()
	s.buf.Write(b)
	return s
}

func (s *session) connect(app string) *session {
	return s.cmd(chunk.CSIDCommand, 0, "connect", 1, connectObject(app))
}

// publish sends what OBS sends before media: releaseStream, FCPublish,
// createStream (stream 1) and publish.
func (s *session) publish(name string) *session {
	return s.cmd(chunk.CSIDCommand, 0, "releaseStream", 2, nil, name).
		cmd(chunk.CSIDCommand, 0, "FCPublish", 3, nil, name).
		cmd(chunk.CSIDCommand, 0, "createStream", 4, nil).
		cmd(chunk.CSIDStream, 1, "publish", 5, nil, name, "live")
}

// media sends metadata, the sample's sequence headers and a few small
// frames on stream sid.
func (s *session) media(sid uint32, heads []media.Packet) *session {
	md := media.Packet{Kind: media.KindData, Key: true, Data: flv.EncodeMetadata(media.Metadata{Width: 320, Height: 240, FrameRate: 30, HasVideo: true, HasAudio: true, AudioSampleRate: 48000, AudioChannels: 2})}
	pkts := append([]media.Packet{md}, heads...)
	for i := range 6 {
		ts := int64(i * 33)
		switch i % 3 {
		case 0:
			pkts = append(pkts, media.Packet{Kind: media.KindVideo, Key: i == 0, DTS: ts, PTS: ts + 66, Data: []byte{0, 0, 0, 5, 0x65, 0x88, 0x84, 0x00, 0x33}})
		case 1:
			pkts = append(pkts, media.Packet{Kind: media.KindVideo, DTS: ts, PTS: ts, Data: []byte{0, 0, 0, 4, 0x41, 0x9A, 0x02, 0x03}})
		default:
			pkts = append(pkts, media.Packet{Kind: media.KindAudio, Key: true, DTS: ts, PTS: ts, Data: []byte{0x21, 0x10, 0x04, 0x60, 0x8C, 0x1C}})
		}
	}
	for i := range pkts {
		m := chunk.MessageFromPacket(&pkts[i])
		m.StreamID = sid
		s.msg(m)
	}
	return s
}

func (s *session) bytes() []byte {
	if err := s.w.Flush(); err != nil {
		s.tb.Fatal(err)
	}
	return append([]byte(nil), s.buf.Bytes()...)
}

// flvTag returns an FLV tag (as inside an aggregate message) with its
// previous-tag size.
func flvTag(typ uint8, ts uint32, body []byte) []byte {
	b := []byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body)), byte(ts >> 16), byte(ts >> 8), byte(ts), byte(ts >> 24), 0, 0, 0}
	b = append(b, body...)
	return binary.BigEndian.AppendUint32(b, uint32(11+len(body)))
}

// fuzzSeed is one seed input; file seeds live in testdata rather than
// being added with f.Add.
type fuzzSeed struct {
	name string
	data []byte
	file bool
}

// serverFuzzSeeds returns the sessions FuzzServerConn starts from: valid
// publish and play sessions and the hostile inputs of the hostile-input
// tests.
func serverFuzzSeeds(tb testing.TB) []fuzzSeed {
	tb.Helper()
	var heads []media.Packet
	for _, p := range rtmptest.OrderedForPublish(rtmptest.SampleFLV(tb)) {
		if p.Header {
			heads = append(heads, p)
		}
	}
	var seeds []fuzzSeed
	add := func(name string, b []byte) { seeds = append(seeds, fuzzSeed{name: name, data: bytes.Clone(b)}) }
	addFile := func(name string, b []byte) {
		seeds = append(seeds, fuzzSeed{name: name, data: bytes.Clone(b), file: true})
	}

	add("publish", newSession(tb).connect("live").publish("fuzz").media(1, heads).
		cmd(chunk.CSIDCommand, 0, "FCUnpublish", 6, nil, "fuzz").cmd(chunk.CSIDCommand, 0, "deleteStream", 7, nil, 1.0).bytes())

	add("publish-enhanced", enhancedPublish(tb).bytes())

	big := newSession(tb)
	if err := big.w.SetChunkSize(4096); err != nil {
		tb.Fatal(err)
	}
	add("publish-chunk-4096", big.msg(chunk.WindowAckSizeMessage(chunk.AckWindow)).connect("live").publish("fuzz").media(1, heads).bytes())

	add("play", newSession(tb).connect("live").cmd(chunk.CSIDCommand, 0, "createStream", 2, nil).
		cmd(chunk.CSIDStream, 1, "play", 0, nil, "fuzz", -2.0).msg(chunk.UserControlMessage(chunk.EventSetBufferLength, 1)).
		cmd(chunk.CSIDStream, 1, "pause", 0, nil, true, 0.0).cmd(chunk.CSIDStream, 1, "closeStream", 0, nil).
		cmd(chunk.CSIDCommand, 0, "deleteStream", 0, nil, 1.0).bytes())

	addFile("publish-and-play", newSession(tb).connect("live").publish("fuzz").cmd(chunk.CSIDCommand, 0, "createStream", 6, nil).
		cmd(chunk.CSIDStream, 2, "play", 0, nil, "fuzz").media(1, heads).cmd(chunk.CSIDStream, 2, "closeStream", 0, nil).bytes())

	var agg []byte
	agg = append(agg, flvTag(chunk.TypeVideo, 1000, flv.AppendVideoTag(nil, true, flv.AVCSequenceHeader, 0, heads[1].Data))...)
	agg = append(agg, flvTag(chunk.TypeVideo, 1000, flv.AppendVideoTag(nil, true, flv.AVCNALU, 0, []byte{0, 0, 0, 2, 0x65, 0x88}))...)
	agg = append(agg, flvTag(chunk.TypeAudio, 1010, flv.AppendAudioTag(nil, false, []byte{0x21, 0x10}))...)
	agg = append(agg, flvTag(chunk.TypeDataAMF0, 1010, rtmptest.MustAMF(tb, "onMetaData", amf0.ECMAArray{{Key: "width", Value: 320.0}}))...)
	addFile("aggregate", newSession(tb).connect("live").publish("fuzz").
		msg(chunk.Message{TypeID: chunk.TypeAggregate, CSID: chunk.CSIDVideo, StreamID: 1, Timestamp: 40, Payload: agg}).
		msg(chunk.Message{TypeID: chunk.TypeAggregate, CSID: chunk.CSIDVideo, StreamID: 1, Timestamp: 80, Payload: agg[:len(agg)-20]}).bytes())

	corrupt := []byte{1, 0x42, 0, 0x1E, 0xFF, 0xE0 | 31, 0x00, 0x40, 0x67}
	bad := newSession(tb).connect("live").publish("fuzz")
	for _, m := range []chunk.Message{
		{TypeID: chunk.TypeVideo, CSID: chunk.CSIDVideo, StreamID: 1, Payload: []byte{}},
		{TypeID: chunk.TypeVideo, CSID: chunk.CSIDVideo, StreamID: 1, Payload: []byte{0x17}},
		{TypeID: chunk.TypeAudio, CSID: chunk.CSIDAudio, StreamID: 1, Payload: []byte{0xAF}},
		{TypeID: chunk.TypeVideo, CSID: chunk.CSIDVideo, StreamID: 1, Payload: flv.AppendVideoTag(nil, true, flv.AVCSequenceHeader, 0, corrupt)},
		{TypeID: chunk.TypeVideo, CSID: chunk.CSIDVideo, StreamID: 1, Payload: flv.AppendVideoTag(nil, true, flv.AVCNALU, 0, []byte{0, 0, 3, 0xE8, 0x65})},
		{TypeID: chunk.TypeAudio, CSID: chunk.CSIDAudio, StreamID: 1, Payload: []byte{0xAF, 0, 0x16, 0x90}},
		{TypeID: chunk.TypeDataAMF0, CSID: chunk.CSIDData, StreamID: 1, Payload: append(append([]byte{}, flv.SetDataFrame...), amf0.MarkerString, 0, 10, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a', amf0.MarkerStrictArray, 0x7F, 0xFF, 0xFF, 0xFF)},
	} {
		bad.msg(m)
	}
	add("bad-media", bad.bytes())

	ctl := newSession(tb)
	ctl.msg(controlMsg(chunk.TypeWindowAckSize, binary.BigEndian.AppendUint32(nil, 1)), controlMsg(chunk.TypeUserControl, []byte{0x77, 0x77, 1, 2, 3, 4}),
		chunk.SetPeerBandwidthMessage(1, chunk.BandwidthHard), chunk.AckMessage(12345), chunk.AbortMessage(40))
	for i := range 20 {
		ctl.msg(chunk.UserControlMessage(chunk.EventPingRequest, uint32(i)))
	}
	addFile("control", ctl.connect("live").cmd(chunk.CSIDCommand, 0, "createStream", 2, nil).bytes())

	var w wiretest.Wire
	p := cmd(tb, 9, 0, "createStream", 2, nil).Payload
	long := cmd(tb, chunk.CSIDCommand, 0, "connect", 1, append(connectObject("live"), amf0.Property{Key: "swfUrl", Value: strings.Repeat("s", 200)})).Payload
	w.Fmt0(3, 0x12345678, uint32(len(long)), chunk.TypeCommandAMF0, 0).Raw(long[:128])
	for rest := long[128:]; len(rest) > 0; rest = rest[min(len(rest), 128):] {
		w.Basic(3, 3).U32(0x12345678).Raw(rest[:min(len(rest), 128)])
	}
	w.Fmt0(9, wiretest.ExtendedTimestamp, uint32(len(p)), chunk.TypeCommandAMF0, 0).Raw(p).Basic(3, 9).U32(wiretest.ExtendedTimestamp).Raw(p)
	w.Fmt0(400, 5, 300, chunk.TypeCommandAMF0, 0).Fill(128, amf0.MarkerNull).Fmt0(2, 0, 4, chunk.TypeAbort, 0).U32(400)
	w.U8(1<<6 | 1).U8(80).U8(1).U24(0).U24(uint32(len(p))).U8(chunk.TypeCommandAMF0).Raw(p)
	addFile("chunks", w.Bytes())

	deep := rtmptest.MustAMF(tb, "connect", 1.0)
	for range 1000 {
		deep = append(deep, amf0.MarkerObject, 0, 1, 'a')
	}
	add("amf-deep", newSession(tb).msg(commandWith(deep)).bytes())
	huge := append(rtmptest.MustAMF(tb, "connect", 1.0), amf0.MarkerObject, 0, 3, 'a', 'p', 'p')
	huge = append(append(huge, rtmptest.MustAMF(tb, "live")...), 0, 1, 'x', amf0.MarkerStrictArray, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, amf0.MarkerObjectEnd)
	add("amf-strict-array", newSession(tb).msg(commandWith(huge)).bytes())

	amf3 := cmd(tb, chunk.CSIDCommand, 0, "connect", 1, connectObject("live"))
	amf3.TypeID, amf3.Payload = chunk.TypeCommandAMF3, append([]byte{0}, amf3.Payload...)
	addFile("amf3-and-nan", newSession(tb).msg(amf3).cmd(chunk.CSIDCommand, 0, "createStream", math.NaN(), nil).
		cmd(chunk.CSIDCommand, 0, "createStream", 3, nil).cmd(chunk.CSIDStream, 1, "publish", math.Inf(1), nil, "fuzz").bytes())

	add("bad-name", newSession(tb).connect("live").cmd(chunk.CSIDCommand, 0, "createStream", 2, nil).
		cmd(chunk.CSIDStream, 1, "publish", 0, nil, "../x", "live").bytes())

	flood := newSession(tb).connect("live")
	for i := range 50 {
		flood.cmd(chunk.CSIDCommand, 0, "createStream", float64(i+2), nil)
	}
	add("createStream-flood", flood.bytes())

	w.Reset()
	for csid := uint32(3); csid < 13; csid++ {
		w.Fmt0(csid, 0, chunk.MaxWireMessageSize, chunk.TypeVideo, 1).Fill(128, 0x17)
	}
	add("huge-lengths", w.Bytes())
	w.Reset()
	add("fmt3-new-csid", w.Basic(3, 5).U32(4096).Bytes())
	return seeds
}

// TestWriteServerFuzzSeeds writes the file seeds of FuzzServerConn to
// testdata/fuzz/FuzzServerConn when RTMP_WRITE_FUZZ_SEEDS=1, in the
// "go test fuzz v1" format. It always checks that every file there is a
// well-formed corpus entry of one []byte.
func TestWriteServerFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzServerConn")
	if os.Getenv("RTMP_WRITE_FUZZ_SEEDS") == "1" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, s := range serverFuzzSeeds(t) {
			if !s.file {
				continue
			}
			body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(s.data)) + ")\n"
			if err := os.WriteFile(filepath.Join(dir, "seed-"+s.name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		head, rest, ok := strings.Cut(string(b), "\n")
		rest = strings.TrimSpace(rest)
		if !ok || head != "go test fuzz v1" || !strings.HasPrefix(rest, "[]byte(") || !strings.HasSuffix(rest, ")") {
			t.Errorf("%s is not a go test fuzz v1 file of one []byte", e.Name())
			continue
		}
		if _, err := strconv.Unquote(rest[len("[]byte(") : len(rest)-1]); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
	if len(entries) == 0 {
		t.Errorf("no seed files in %s", dir)
	}
}
