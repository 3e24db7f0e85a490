package server

import (
	"bytes"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
	"github.com/seed7c1a73c4/onair/rtmp/internal/wiretest"
)

// TestServerHostileChunks checks the chunk layer: illegal headers close
// the connection at once, legal but unusual forms (2- and 3-byte chunk
// stream ids, extended timestamps, Abort) keep working, and partial
// messages cannot make the server hold more memory than
// Limits.MaxPendingBytes.
func TestServerHostileChunks(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	cfg := hostileConfig()
	// The largest messages the wire allows, and a small pending budget.
	cfg.Limits = chunk.Limits{MaxMessageSize: chunk.MaxWireMessageSize, MaxPendingBytes: 1 << 20}
	e := newHostileEnv(t, cfg)
	lim := e.srv.cfg.Limits
	// A connect of more than one 128-byte chunk.
	connectMsg := cmd(t, chunk.CSIDCommand, 0, "connect", 1, append(connectObject("live"), amf0.Property{Key: "swfUrl", Value: strings.Repeat("s", 200)}))

	// A chunk stream must start with a type-0 header.
	for _, c := range []struct {
		name string
		in   func(*wiretest.Wire)
	}{
		{"fmt1 on a new csid", func(b *wiretest.Wire) { b.Basic(1, 5).U24(0).U24(4).U8(chunk.TypeWindowAckSize).U32(4096) }},
		{"fmt2 on a new csid", func(b *wiretest.Wire) { b.Basic(2, 5).U24(0).U32(4096) }},
		{"fmt3 on a new csid", func(b *wiretest.Wire) { b.Basic(3, 5).U32(4096) }},
		{"fmt3 on a new 3-byte csid", func(b *wiretest.Wire) { b.Basic(3, 40000).U32(4096) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			var b wiretest.Wire
			c.in(&b)
			_ = rc.write(b.Bytes())
			rc.requireClosed(closedSoon)
			e.requireFlowing(t, c.name)
		})
	}

	// A zero-length command cannot be parsed: the connection is closed.
	t.Run("zero-length command", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		var b wiretest.Wire
		b.Fmt0(3, 0, 0, chunk.TypeCommandAMF0, 0)
		_ = rc.write(b.Bytes())
		rc.requireClosed(closedSoon)
		e.requireFlowing(t, "a zero-length command")
	})

	// Zero-length messages of types the server ignores, even 1000 of them
	// as one-byte type-3 chunks, are skipped and the connection works.
	t.Run("zero-length ignored messages", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		var b wiretest.Wire
		b.Fmt0(7, 0, 0, chunk.TypeSharedObjAMF0, 0)
		for range 1000 {
			b.Basic(3, 7)
		}
		b.Fmt0(9, 0, 0, 0x30, 0)
		if err := rc.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		rc.connect("live")
		rc.createStream(2)
		e.requireFlowing(t, "zero-length messages")
	})

	// A header inside a message that changes its length or type closes
	// the connection.
	for _, c := range []struct {
		name string
		hdr  func(*wiretest.Wire, int)
	}{
		{"length changes mid-message", func(b *wiretest.Wire, n int) { b.Basic(1, 3).U24(0).U24(uint32(n + 100)).U8(chunk.TypeCommandAMF0) }},
		{"type changes mid-message", func(b *wiretest.Wire, n int) { b.Basic(1, 3).U24(0).U24(uint32(n)).U8(chunk.TypeDataAMF0) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			p := connectMsg.Payload
			if len(p) <= chunk.DefaultChunkSize {
				t.Fatalf("connect of %d bytes fits one chunk", len(p))
			}
			var b wiretest.Wire
			b.Fmt0(3, 0, uint32(len(p)), chunk.TypeCommandAMF0, 0).Raw(p[:chunk.DefaultChunkSize])
			c.hdr(&b, len(p))
			b.Raw(p[chunk.DefaultChunkSize:])
			_ = rc.write(b.Bytes())
			rc.requireClosed(closedSoon)
			e.requireFlowing(t, c.name)
		})
	}

	// Messages of 0xFFFFFF bytes announced on every chunk stream and never
	// completed (128 bytes each): the server must not hold more than
	// MaxPendingBytes per connection, and closes them at IdleTimeout.
	t.Run("0xFFFFFF announced on every csid", func(t *testing.T) {
		const conns = 8
		var b wiretest.Wire
		for csid := uint32(3); csid < 3+uint32(lim.MaxChunkStreams); csid++ {
			b.Fmt0(csid, 0, chunk.MaxWireMessageSize, chunk.TypeVideo, 1).Fill(chunk.DefaultChunkSize, 0x17)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rcs := make([]*rawConn, conns)
		for i := range rcs {
			rcs[i] = dialRTMP(t, e.addr)
			if err := rcs[i].write(b.Bytes()); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(300 * time.Millisecond) // the server reads it all
		runtime.GC()
		runtime.ReadMemStats(&after)
		held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		t.Logf("%d connections holding partial messages on %d chunk streams: heap grew by %d KiB", conns, lim.MaxChunkStreams, held>>10)
		// Per connection: what was sent (counted against MaxPendingBytes)
		// plus the 64 KiB read and write buffers of the connection.
		allowed := int64(conns) * int64(lim.MaxPendingBytes+256<<10)
		if held > allowed {
			t.Errorf("%d connections that each sent %d bytes of partial messages on %d chunk streams made the heap grow by %.1f MiB "+
				"(%.0f KiB per connection, %.0f times what was sent); MaxPendingBytes is %d KiB: want at most %.1f MiB",
				conns, b.Len(), lim.MaxChunkStreams, float64(held)/(1<<20), float64(held)/conns/1024,
				float64(held)/conns/float64(b.Len()), lim.MaxPendingBytes>>10, float64(allowed)/(1<<20))
		}
		for _, rc := range rcs {
			rc.requireClosed(e.srv.cfg.IdleTimeout + time.Second)
		}
		e.requireFlowing(t, "never-completed 0xFFFFFF messages")
	})

	// Partial messages that really add up to more than MaxPendingBytes
	// close the connection.
	t.Run("pending bytes over the limit", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		var b wiretest.Wire
		b.Fmt0(2, 0, 4, chunk.TypeSetChunkSize, 0).U32(64 << 10)
		for csid := uint32(3); csid < 3+20; csid++ { // 20 × 64 KiB > 1 MiB
			b.Fmt0(csid, 0, chunk.MaxWireMessageSize, chunk.TypeVideo, 1).Fill(64<<10, 0x17)
		}
		done := make(chan struct{})
		go func() { defer close(done); _ = rc.write(b.Bytes()) }()
		rc.requireClosed(closedSoon)
		<-done
		e.requireFlowing(t, "pending bytes over the limit")
	})

	// 2-byte (64..319) and 3-byte (320..65599) chunk stream ids are legal,
	// and the 3-byte form of an id below 320 names the same chunk stream.
	t.Run("2- and 3-byte csids", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		m := connectMsg
		m.CSID = 100
		rc.mustSend(m)
		rc.expect("_result", chunk.StatusConnectSuccess)
		for i, csid := range []uint32{64, 319, 320, 1000, chunk.MaxCSID} {
			m := cmd(t, csid, 0, "createStream", float64(2+i), nil)
			rc.mustSend(m)
			rc.expect("_result", "")
			rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "deleteStream", 0, nil, float64(i+1)))
		}
		// csid 100 again, in the 3-byte form, as a type-1 header: it must
		// continue chunk stream 100.
		p := cmd(t, 100, 0, "createStream", 9, nil).Payload
		var b wiretest.Wire
		b.U8(1<<6 | 1).U8(100 - 64).U8(0).U24(0).U24(uint32(len(p))).U8(chunk.TypeCommandAMF0).Raw(p)
		if err := rc.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		if c := rc.expect("_result", ""); c.TransactionID != 9 {
			t.Fatalf("3-byte form of csid 100: answered %+v", c)
		}
		e.requireFlowing(t, "2- and 3-byte csids")
	})

	// Exactly MaxChunkStreams chunk streams are fine; one more closes the
	// connection.
	t.Run("many csids", func(t *testing.T) {
		ok := dialRTMP(t, e.addr)
		var b wiretest.Wire
		for csid := uint32(3); csid < 3+uint32(lim.MaxChunkStreams); csid++ {
			b.Fmt0(csid, 0, 4, chunk.TypeWindowAckSize, 0).U32(chunk.AckWindow)
		}
		if err := ok.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		ok.connect("live") // on csid 3, already counted

		bad := dialRTMP(t, e.addr)
		b.Reset()
		for csid := uint32(3); csid < 3+uint32(lim.MaxChunkStreams)+10; csid++ {
			b.Fmt0(csid, 0, 4, chunk.TypeWindowAckSize, 0).U32(chunk.AckWindow)
		}
		_ = bad.write(b.Bytes())
		bad.requireClosed(closedSoon)
		e.requireFlowing(t, "too many csids")
	})

	// Extended timestamps in type-0 headers and type-3 chunks (both
	// continuations and new messages) are parsed.
	t.Run("extended timestamps", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		m := connectMsg
		m.Timestamp = 0x12345678 // multi-chunk: type-3 chunks repeat it
		rc.mustSend(m)
		rc.expect("_result", chunk.StatusConnectSuccess)
		p := cmd(t, 9, 0, "createStream", 2, nil).Payload
		var b wiretest.Wire
		b.Fmt0(9, wiretest.ExtendedTimestamp, uint32(len(p)), chunk.TypeCommandAMF0, 0).Raw(p) // exactly 0xFFFFFF is extended
		b.Basic(3, 9).U32(wiretest.ExtendedTimestamp).Raw(p)                                   // a new message as type 3
		b.Fmt0(10, 0x7FFFFFFF, uint32(len(p)), chunk.TypeCommandAMF0, 0).Raw(p)
		if err := rc.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		ids := map[float64]bool{}
		for range 3 {
			c := rc.expect("_result", "")
			id, _ := c.Arg(0).(float64)
			ids[id] = true
		}
		if len(ids) != 3 {
			t.Fatalf("three createStream with extended timestamps gave stream ids %v", ids)
		}
		e.requireFlowing(t, "extended timestamps")
	})

	// Abort drops a partial message; the chunk stream then takes a new one.
	// Abort of an unknown chunk stream is ignored; a short Abort closes.
	t.Run("abort", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		p := connectMsg.Payload
		var b wiretest.Wire
		b.Fmt0(3, 0, uint32(len(p)+50), chunk.TypeCommandAMF0, 0).Raw(p[:chunk.DefaultChunkSize])
		b.Fmt0(2, 0, 4, chunk.TypeAbort, 0).U32(3)
		b.Fmt0(2, 0, 4, chunk.TypeAbort, 0).U32(50)
		b.Fmt0(2, 0, 4, chunk.TypeAbort, 0).U32(math.MaxUint32)
		var full bytes.Buffer
		w := chunk.NewWriter(&full, chunk.DefaultChunkSize)
		_ = w.WriteMessage(connectMsg)
		_ = w.Flush()
		b.Raw(full.Bytes())
		if err := rc.write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		rc.expect("_result", chunk.StatusConnectSuccess)
		rc.createStream(2)

		short := dialRTMP(t, e.addr)
		b.Reset()
		b.Fmt0(2, 0, 2, chunk.TypeAbort, 0).Raw([]byte{0, 3})
		_ = short.write(b.Bytes())
		short.requireClosed(closedSoon)
		e.requireFlowing(t, "abort")
	})

	// The peer hanging up inside a basic header, a message header or a
	// payload: the server closes at once.
	for _, c := range []struct {
		name string
		in   func(*wiretest.Wire)
	}{
		{"EOF in a basic header", func(b *wiretest.Wire) { b.U8(1).U8(5) }},
		{"EOF in a message header", func(b *wiretest.Wire) { b.Basic(0, 3).U24(0).U8(0) }},
		{"EOF in an extended timestamp", func(b *wiretest.Wire) { b.Basic(0, 3).U24(wiretest.ExtendedTimestamp).U24(10).U8(20).LE32(0).U8(0) }},
		{"EOF in a payload", func(b *wiretest.Wire) { b.Fmt0(3, 0, 200, chunk.TypeCommandAMF0, 0).Fill(100, 2) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			var b wiretest.Wire
			c.in(&b)
			_ = rc.write(b.Bytes())
			_ = rc.c.CloseWrite()
			rc.requireClosed(closedSoon)
			e.requireFlowing(t, c.name)
		})
	}
}

// controlMsg returns a protocol control message of type typ with payload p
// on chunk stream 2.
func controlMsg(typ uint8, p []byte) chunk.Message {
	return chunk.Message{TypeID: typ, CSID: chunk.CSIDControl, Payload: p}
}
