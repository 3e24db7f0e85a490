package server

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// rawConn is a hand-driven client connection.
type rawConn struct {
	t *testing.T
	c *net.TCPConn
	r *chunk.Reader
	w *chunk.Writer
}

// dialTCP opens a plain TCP connection to the server, closed at the end of
// the (sub)test.
func dialTCP(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c.(*net.TCPConn), r: chunk.NewReader(c, chunk.Limits{}), w: chunk.NewWriter(c, chunk.DefaultChunkSize)}
}

// dialRTMP opens a connection and completes the RTMP handshake.
func dialRTMP(t *testing.T, addr string) *rawConn {
	t.Helper()
	rc := dialTCP(t, addr)
	if err := chunk.ClientHandshake(rc.c, 2*time.Second); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return rc
}

// write sends raw bytes; an error (the server already hung up) is returned,
// not fatal.
func (rc *rawConn) write(b []byte) error {
	_ = rc.c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	_, err := rc.c.Write(b)
	return err
}

// send writes messages through the connection's chunk writer and flushes.
func (rc *rawConn) send(msgs ...chunk.Message) error {
	_ = rc.c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	for _, m := range msgs {
		if err := rc.w.WriteMessage(m); err != nil {
			return err
		}
	}
	return rc.w.Flush()
}

func (rc *rawConn) mustSend(msgs ...chunk.Message) {
	rc.t.Helper()
	if err := rc.send(msgs...); err != nil {
		rc.t.Fatalf("sending: %v", err)
	}
}

// cmd builds a command message.
func cmd(t testing.TB, csid, streamID uint32, name string, txn float64, obj any, args ...any) chunk.Message {
	t.Helper()
	m, err := chunk.CommandMessage(csid, streamID, name, txn, obj, args...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// connectObject is the command object of a normal connect to app.
func connectObject(app string) amf0.Object {
	return amf0.Object{{Key: "app", Value: app}, {Key: "type", Value: "nonprivate"}, {Key: "flashVer", Value: "FMLE/3.0"}, {Key: "tcUrl", Value: "rtmp://127.0.0.1/" + app}}
}

// nextMessage returns the next message from the server within timeout.
func (rc *rawConn) nextMessage(timeout time.Duration) (chunk.Message, error) {
	_ = rc.c.SetReadDeadline(time.Now().Add(timeout))
	return rc.r.ReadMessage()
}

// nextCommand returns the next command from the server, skipping other
// messages, within timeout.
func (rc *rawConn) nextCommand(timeout time.Duration) (chunk.Command, error) {
	deadline := time.Now().Add(timeout)
	for {
		m, err := rc.nextMessage(time.Until(deadline))
		if err != nil {
			return chunk.Command{}, err
		}
		if m.TypeID == chunk.TypeCommandAMF0 || m.TypeID == chunk.TypeCommandAMF3 {
			return chunk.ParseCommand(m, chunk.Limits{})
		}
	}
}

// expect reads the next command and fails unless it is name (and, for
// onStatus, carries code when code is not empty).
func (rc *rawConn) expect(name, code string) chunk.Command {
	rc.t.Helper()
	c, err := rc.nextCommand(2 * time.Second)
	if err != nil {
		rc.t.Fatalf("waiting for %s %s: %v", name, code, err)
	}
	if c.Name != name || (code != "" && chunk.StatusOf(c).Code != code) {
		rc.t.Fatalf("got %s %+v, want %s %s", c.Name, chunk.StatusOf(c), name, code)
	}
	return c
}

// connect sends a normal connect to app and requires its _result.
func (rc *rawConn) connect(app string) {
	rc.t.Helper()
	rc.mustSend(cmd(rc.t, chunk.CSIDCommand, 0, "connect", 1, connectObject(app)))
	rc.expect("_result", chunk.StatusConnectSuccess)
}

// createStream requires a new message stream and returns its id.
func (rc *rawConn) createStream(txn float64) uint32 {
	rc.t.Helper()
	rc.mustSend(cmd(rc.t, chunk.CSIDCommand, 0, "createStream", txn, nil))
	c := rc.expect("_result", "")
	id, _ := c.Arg(0).(float64)
	if id < 1 || c.TransactionID != txn {
		rc.t.Fatalf("createStream answered %+v", c)
	}
	return uint32(id)
}

// publishRaw connects to live and publishes name; it returns the
// connection and the message stream id.
func publishRaw(t *testing.T, addr, name string) (*rawConn, uint32) {
	t.Helper()
	rc := dialRTMP(t, addr)
	rc.connect("live")
	sid := rc.createStream(2)
	rc.mustSend(cmd(t, chunk.CSIDStream, sid, "publish", 0, nil, name, "live"))
	rc.expect("onStatus", chunk.StatusPublishStart)
	return rc, sid
}

// requireClosed reads (and discards) until the server closes the
// connection, and fails if it is still open after within. It returns how
// long it took and how many bytes came meanwhile.
func (rc *rawConn) requireClosed(within time.Duration) (time.Duration, int) {
	rc.t.Helper()
	start := time.Now()
	_ = rc.c.SetReadDeadline(start.Add(within))
	total := rc.r.Buffered()
	buf := make([]byte, 32<<10)
	for {
		n, err := rc.c.Read(buf)
		total += n
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				rc.t.Fatalf("the server kept the connection open for %v (received %d bytes)", within, total)
			}
			return time.Since(start), total
		}
	}
}

// amfKey appends an AMF0 object key.
func amfKey(b []byte, k string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(k)))
	return append(b, k...)
}

// commandWith returns a command message with a hand-made AMF0 body.
func commandWith(body []byte) chunk.Message {
	return chunk.Message{TypeID: chunk.TypeCommandAMF0, CSID: chunk.CSIDCommand, Payload: body}
}
