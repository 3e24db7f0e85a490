package server

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// hevcPackets is an HEVC sequence start (a real 320x240 libx265 record) and
// two frames, as an Enhanced RTMP publisher sends them.
func hevcPackets(t testing.TB) []media.Packet {
	hvcC, err := os.ReadFile("../../codec/hevc/testdata/hvcC-320x240.bin")
	if err != nil {
		t.Fatal(err)
	}
	return []media.Packet{
		{Kind: media.KindVideo, Codec: media.CodecHEVC, Header: true, Key: true, Data: hvcC},
		{Kind: media.KindVideo, Codec: media.CodecHEVC, DTS: 0, PTS: 80, Data: []byte{0, 0, 0, 3, 19 << 1, 1, 0xAA}},
		{Kind: media.KindVideo, Codec: media.CodecHEVC, DTS: 40, PTS: 40, Data: []byte{0, 0, 0, 3, 1 << 1, 1, 0xBB}},
	}
}

// enhancedMessages are pkts as video messages on sid, with frame type 0 on
// coded frames, as gortmplib sends them, so the server must find the
// keyframe in the bitstream.
func enhancedMessages(sid uint32, pkts []media.Packet) []chunk.Message {
	var msgs []chunk.Message
	for _, p := range pkts {
		body := flv.AppendPayload(nil, &p)
		if !p.Header {
			body[0] &^= 0x70
		}
		msgs = append(msgs, chunk.Message{TypeID: chunk.TypeVideo, CSID: chunk.CSIDVideo, StreamID: sid, Timestamp: uint32(p.DTS), Payload: body})
	}
	return msgs
}

// enhancedPublish is a fuzz seed: an HEVC publish over Enhanced RTMP.
func enhancedPublish(tb testing.TB) *session {
	s := newSession(tb).connect("live").publish("fuzz")
	for _, m := range enhancedMessages(1, hevcPackets(tb)) {
		s.msg(m)
	}
	return s
}

// playWith connects listing fourCCs (none: a legacy player) and plays name.
func playWith(t *testing.T, addr, name string, fourCCs ...any) (*rawConn, uint32) {
	rc := dialRTMP(t, addr)
	obj := connectObject("live")
	if len(fourCCs) > 0 {
		obj = append(obj, amf0.Property{Key: "fourCcList", Value: fourCCs})
	}
	rc.mustSend(cmd(t, chunk.CSIDCommand, 0, "connect", 1, obj))
	res := rc.expect("_result", chunk.StatusConnectSuccess)
	if props, _ := res.Object.(map[string]any); !strings.Contains(strings.Join(anyStrings(props["fourCcList"]), ","), "hvc1") {
		t.Fatalf("connect's _result does not list hvc1: %+v", res.Object)
	}
	sid := rc.createStream(2)
	rc.mustSend(cmd(t, chunk.CSIDStream, sid, "play", 0, nil, name))
	return rc, sid
}

func anyStrings(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

func TestEnhancedRTMPHEVC(t *testing.T) {
	srv, addr := startServer(t, Config{})
	pub, sid := publishRaw(t, addr, "cam")
	pkts := hevcPackets(t)
	pub.mustSend(enhancedMessages(sid, pkts)...)

	deadline := time.Now().Add(5 * time.Second)
	for {
		st := srv.Stats()
		if len(st.Streams) == 1 && st.Streams[0].Video != nil && st.Streams[0].Video.Width == 320 {
			if v := st.Streams[0].Video; v.Codec != "hevc" || v.Height != 240 || v.Profile != "Main" {
				t.Fatalf("stream info %+v", v)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no HEVC stream info in %+v", st)
		}
		time.Sleep(5 * time.Millisecond)
	}

	t.Run("a player that listed hvc1 gets the stream", func(t *testing.T) {
		rc, _ := playWith(t, addr, "cam", "av01", "hvc1")
		var got []media.Packet
		for len(got) < 2 {
			m, err := rc.nextMessage(3 * time.Second)
			if err != nil {
				t.Fatalf("after %d video packets: %v", len(got), err)
			}
			if m.TypeID != chunk.TypeVideo {
				continue
			}
			p, err := flv.PacketFromTag(m.TypeID, m.Timestamp, m.Payload)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, p)
		}
		if !got[0].Header || got[0].Codec != media.CodecHEVC || !bytes.Equal(got[0].Data, pkts[0].Data) {
			t.Fatalf("first video packet %+v", got[0])
		}
		if !got[1].Key || got[1].PTS-got[1].DTS != 80 || !bytes.Equal(got[1].Data, pkts[1].Data) {
			t.Fatalf("the keyframe came as %+v", got[1])
		}
	})
	t.Run("a legacy player gets a clear refusal", func(t *testing.T) {
		rc, _ := playWith(t, addr, "cam")
		for {
			c, err := rc.nextCommand(3 * time.Second)
			if err != nil {
				t.Fatalf("no refusal: %v", err)
			}
			if st := chunk.StatusOf(c); st.Code == chunk.StatusPlayFailed {
				if !strings.Contains(st.Description, "fourCcList") || !strings.Contains(st.Description, "hevc") {
					t.Fatalf("refusal says %q", st.Description)
				}
				break
			}
		}
		rc.requireClosed(3 * time.Second)
	})
}
