package server

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// TestServerHostileControl checks protocol and user control messages:
// invalid chunk sizes and short bodies close the connection, odd window
// sizes and unknown events are tolerated without harm, and a ping flood
// gets a bounded number of pongs.
func TestServerHostileControl(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())

	// Refused: chunk sizes below 128 or above 16 MiB, the reserved high
	// bit, and control messages shorter than their fields.
	for _, c := range []struct {
		name string
		m    chunk.Message
	}{
		{"SetChunkSize 0", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 0))},
		{"SetChunkSize 1", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 1))},
		{"SetChunkSize 127", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 127))},
		{"SetChunkSize 2^31-1", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, math.MaxInt32))},
		{"SetChunkSize high bit", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 0x80000000|4096))},
		{"SetChunkSize short", controlMsg(chunk.TypeSetChunkSize, []byte{0, 0x10})},
		{"SetChunkSize empty", controlMsg(chunk.TypeSetChunkSize, nil)},
		{"WinAckSize short", controlMsg(chunk.TypeWindowAckSize, []byte{0, 0, 1})},
		{"SetPeerBandwidth short", controlMsg(chunk.TypeSetPeerBandwidth, binary.BigEndian.AppendUint32(nil, chunk.AckWindow))},
		{"UserControl short", controlMsg(chunk.TypeUserControl, []byte{0})},
		{"UserControl empty", controlMsg(chunk.TypeUserControl, nil)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			_ = rc.send(c.m)
			rc.requireClosed(closedSoon)
			e.requireFlowing(t, c.name)
		})
	}

	// Tolerated: the extreme legal chunk sizes, odd window sizes and
	// unknown user control events; the connection keeps working.
	for _, c := range []struct {
		name string
		m    chunk.Message
	}{
		{"SetChunkSize 128", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, 128))},
		{"SetChunkSize 16 MiB", controlMsg(chunk.TypeSetChunkSize, binary.BigEndian.AppendUint32(nil, chunk.MaxChunkSize))},
		{"WinAckSize 0", controlMsg(chunk.TypeWindowAckSize, binary.BigEndian.AppendUint32(nil, 0))},
		{"WinAckSize 0xFFFFFFFF", controlMsg(chunk.TypeWindowAckSize, binary.BigEndian.AppendUint32(nil, math.MaxUint32))},
		{"UserControl unknown event", controlMsg(chunk.TypeUserControl, []byte{0x77, 0x77, 1, 2, 3, 4})},
		{"UserControl unknown short event", controlMsg(chunk.TypeUserControl, []byte{0x12, 0x34})},
		{"UserControl ping without value", controlMsg(chunk.TypeUserControl, []byte{0, byte(chunk.EventPingRequest)})},
		{"UserControl long", controlMsg(chunk.TypeUserControl, append([]byte{0, byte(chunk.EventSetBufferLength)}, make([]byte, 1000)...))},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.mustSend(c.m)
			if c.m.TypeID == chunk.TypeSetChunkSize {
				rc.w = chunk.NewWriter(rc.c, int(binary.BigEndian.Uint32(c.m.Payload)))
			}
			rc.connect("live")
			rc.createStream(2)
			e.requireFlowing(t, c.name)
		})
	}

	// A window of 1 byte is raised: 2000 small messages get a few
	// acknowledgements, not one each.
	t.Run("WinAckSize 1", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		rc.connect("live")
		var buf bytes.Buffer
		w := chunk.NewWriter(&buf, chunk.DefaultChunkSize)
		_ = w.WriteMessage(controlMsg(chunk.TypeWindowAckSize, binary.BigEndian.AppendUint32(nil, 1)))
		for range 2000 {
			_ = w.WriteMessage(chunk.Message{TypeID: 0x30, CSID: 7, Payload: make([]byte, 120)})
		}
		_ = w.WriteMessage(cmd(t, chunk.CSIDCommand, 0, "createStream", 2, nil))
		_ = w.Flush()
		done := make(chan error, 1)
		go func() { done <- rc.write(buf.Bytes()) }()
		acks := 0
		for {
			m, err := rc.nextMessage(3 * time.Second)
			if err != nil {
				t.Fatalf("after %d acks: %v", acks, err)
			}
			if m.TypeID == chunk.TypeAck {
				acks++
			}
			if m.TypeID == chunk.TypeCommandAMF0 {
				break
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if most := buf.Len()/chunk.MinAckWindow + 5; acks > most {
			t.Errorf("WinAckSize 1: %d acknowledgements for %d bytes, want at most %d", acks, buf.Len(), most)
		}
		e.requireFlowing(t, "WinAckSize 1")
	})

	// 10000 pings in one burst get at most maxPongsPerSecond pongs per
	// second, and the connection still answers commands.
	t.Run("ping flood", func(t *testing.T) {
		rc := dialRTMP(t, e.addr)
		rc.connect("live")
		var buf bytes.Buffer
		w := chunk.NewWriter(&buf, chunk.DefaultChunkSize)
		for i := range 10000 {
			_ = w.WriteMessage(chunk.UserControlMessage(chunk.EventPingRequest, uint32(i)))
		}
		_ = w.WriteMessage(cmd(t, chunk.CSIDCommand, 0, "createStream", 2, nil))
		_ = w.Flush()
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- rc.write(buf.Bytes()) }()
		pongs := 0
		for {
			m, err := rc.nextMessage(3 * time.Second)
			if err != nil {
				t.Fatalf("after %d pongs: %v", pongs, err)
			}
			if ev, _, err := chunk.ParseUserControl(m); m.TypeID == chunk.TypeUserControl && err == nil && ev == chunk.EventPingResponse {
				pongs++
			}
			if m.TypeID == chunk.TypeCommandAMF0 {
				break
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		// The budget is per calendar second: the burst may straddle some.
		most := maxPongsPerSecond * (int(time.Since(start)/time.Second) + 2)
		if pongs < 1 || pongs > most {
			t.Errorf("10000 pings got %d pongs in %v, want 1..%d", pongs, time.Since(start), most)
		}
		e.requireFlowing(t, "a ping flood")
	})
}
