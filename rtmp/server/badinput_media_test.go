package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// TestServerHostileMedia checks what a publisher sends as media: empty and
// truncated tags, corrupt or oversized sequence headers, NAL lengths that
// overrun the message, a bad AAC config, and a data message past the size
// limit. The player of the bad stream must receive only valid packets, the
// server must count what it refused, and the healthy stream keeps flowing.
func TestServerHostileMedia(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())
	pkts := rtmptest.OrderedForPublish(rtmptest.SampleFLV(t))
	var avcHeader, keyframe media.Packet
	for _, p := range pkts {
		switch {
		case p.Kind == media.KindVideo && p.Header:
			avcHeader = p
		case p.Kind == media.KindVideo && p.Key && keyframe.Data == nil:
			keyframe = p
		}
	}
	avcRecord, err := h264.ParseConfig(avcHeader.Data)
	if err != nil {
		t.Fatal(err)
	}
	video := func(b ...byte) chunk.Message {
		return chunk.Message{TypeID: chunk.TypeVideo, CSID: chunk.CSIDVideo, Payload: b}
	}
	audio := func(b ...byte) chunk.Message {
		return chunk.Message{TypeID: chunk.TypeAudio, CSID: chunk.CSIDAudio, Payload: b}
	}
	avcTag := func(header bool, data []byte) chunk.Message {
		pt := flv.AVCNALU
		if header {
			pt = flv.AVCSequenceHeader
		}
		return video(flv.AppendVideoTag(nil, true, pt, 0, data)...)
	}
	corrupt := []byte{1, 0x42, 0, 0x1E, 0xFF, 0xE0 | 31}
	for range 31 {
		corrupt = append(corrupt, 0x00, 0x40, 0x67, 0x42) // claims 64 bytes, has 2
	}
	big, err := h264.BuildConfig([][]byte{sps16k(t)}, avcRecord.PPS)
	if err != nil {
		t.Fatal(err)
	}
	overrun := binary.BigEndian.AppendUint32(nil, 1000)
	overrun = append(overrun, 0x65, 0x88, 0x84, 0x00, 0x33)
	// A legal header announcing 1-byte NAL lengths, and a frame that is
	// valid with 4-byte lengths but not with the announced 1-byte ones.
	oneByte := bytes.Clone(avcHeader.Data)
	oneByte[4] = 0xFC
	if cfg, err := h264.ParseConfig(oneByte); err != nil || cfg.NALULengthSize != 1 {
		t.Fatalf("1-byte NAL length header: %+v, %v", cfg, err)
	}
	fourByteFrame := append([]byte{0, 0, 1, 0}, bytes.Repeat([]byte{0xFF}, 256)...)

	for _, c := range []struct {
		name     string
		bad      []chunk.Message
		rejected uint64   // at least
		legal    [][]byte // bodies of bad that may be delivered
	}{
		{"empty and 1-byte tags", []chunk.Message{video(), audio(), video(0x17), audio(0xAF), video(0x00)}, 3, nil},
		{"corrupt AVC config", []chunk.Message{avcTag(true, corrupt), avcTag(true, corrupt[:7])}, 2, nil},
		{"NALU longer than its message", []chunk.Message{avcTag(false, overrun), avcTag(false, []byte{0, 0, 0})}, 2, nil},
		{"NALU lengths of the announced size", []chunk.Message{avcTag(true, oneByte), avcTag(false, fourByteFrame)}, 1, [][]byte{oneByte, fourByteFrame}},
		{"SPS of 16384x16384", []chunk.Message{avcTag(true, big)}, 1, nil},
		{"bad AAC config", []chunk.Message{
			audio(0xAF, flv.AACSequenceHeader, 0x00, 0x00), // object type 0
			audio(0xAF, flv.AACSequenceHeader, 0x16, 0x90), // LC, sampling index 13 (reserved)
			audio(0xAF, flv.AACSequenceHeader, 0x12),       // 1 byte
			audio(0xAF, flv.AACSequenceHeader, 0x11, 0xC0), // LC 48 kHz, channel configuration 8 (reserved)
		}, 4, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc, sid := publishRaw(t, e.addr, "bad")
			pl, err := rtmp.DialPlay(context.Background(), fmt.Sprintf("rtmp://%s/live/bad", e.addr), rtmp.PlayerOptions{Timeout: 3 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer pl.Close()
			for _, m := range c.bad {
				m.StreamID = sid
				rc.mustSend(m)
			}
			for _, p := range []media.Packet{avcHeader, keyframe} {
				m := chunk.MessageFromPacket(&p)
				m.StreamID = sid
				rc.mustSend(m)
			}
			_ = pl.SetReadDeadline(time.Now().Add(3 * time.Second))
			lengthSize := 4 // NAL length size of the last video header the player got
			for {
				p, err := pl.ReadPacket()
				if err != nil {
					t.Fatalf("the player of the bad stream: %v", err)
				}
				ok := bytes.Equal(p.Data, avcHeader.Data) || bytes.Equal(p.Data, keyframe.Data)
				for _, b := range c.legal {
					ok = ok || bytes.Equal(p.Data, b)
				}
				if !ok {
					t.Errorf("the player received a packet that is not one of the valid ones: %v header=%v %d bytes %x",
						p.Kind, p.Header, len(p.Data), p.Data[:min(len(p.Data), 16)])
				}
				if p.Kind == media.KindVideo && p.Header {
					cfg, err := h264.ParseConfig(p.Data)
					if err != nil {
						t.Errorf("the player received a corrupt AVC header: %v", err)
					} else {
						lengthSize = cfg.NALULengthSize
					}
				}
				if p.Kind == media.KindVideo && !p.Header {
					if !validNALs(p.Data, lengthSize) {
						t.Errorf("the player received a frame whose NAL units do not fit it with the %d-byte lengths its header announced: %x…",
							lengthSize, p.Data[:min(len(p.Data), 8)])
					}
					break
				}
			}
			s, ok := e.streamStats("live/bad")
			if !ok || s.RejectedFrames < c.rejected {
				t.Errorf("live/bad counts %d rejected frames (found %v), want at least %d", s.RejectedFrames, ok, c.rejected)
			}
			if c.name == "SPS of 16384x16384" && s.Video != nil && s.Video.Width > maxIngestDimension {
				t.Errorf("the refused header reached the stream info: %+v", s.Video)
			}
			e.requireFlowing(t, c.name)
			rc.c.Close()
			pl.Close()
			e.waitStreamGone(t, "live/bad")
		})
	}

	// A publisher that sent media and then sends only pings, or only
	// frames the server refuses, has stopped sending media: it must be
	// closed at MediaTimeout (1 s), as for a silent one.
	for _, c := range []struct {
		name string
		keep chunk.Message
	}{
		{"pings instead of media", chunk.UserControlMessage(chunk.EventPingRequest, 1)},
		{"refused frames instead of media", avcTag(false, overrun)},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc, sid := publishRaw(t, e.addr, "bad")
			for _, p := range []media.Packet{avcHeader, keyframe} {
				m := chunk.MessageFromPacket(&p)
				m.StreamID = sid
				rc.mustSend(m)
			}
			keep := c.keep
			keep.StreamID = sid
			if keep.TypeID == chunk.TypeUserControl {
				keep.StreamID = 0
			}
			stop, done := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				for range 20 {
					select {
					case <-stop:
						return
					case <-time.After(300 * time.Millisecond):
					}
					if rc.send(keep) != nil {
						return
					}
				}
			}()
			start := time.Now()
			_ = rc.c.SetReadDeadline(start.Add(2500 * time.Millisecond))
			var err error
			for err == nil {
				_, err = rc.r.ReadMessage()
			}
			close(stop)
			<-done
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("a publisher sending %s was still connected %v after its last media; MediaTimeout is %v",
					c.name, time.Since(start).Round(100*time.Millisecond), e.srv.cfg.MediaTimeout)
			} else if took := time.Since(start); took > e.srv.cfg.MediaTimeout+700*time.Millisecond {
				t.Errorf("a publisher sending %s was closed %v after its last media; MediaTimeout is %v", c.name, took, e.srv.cfg.MediaTimeout)
			}
			e.requireFlowing(t, c.name)
			rc.c.Close()
			e.waitStreamGone(t, "live/bad")
		})
	}

	// A data message of 16 MiB is over the 8 MiB message limit: the
	// connection is closed, and its player never sees it.
	t.Run("16 MiB @flv.SetDataFrame", func(t *testing.T) {
		rc, sid := publishRaw(t, e.addr, "bad")
		pl, err := rtmp.DialPlay(context.Background(), fmt.Sprintf("rtmp://%s/live/bad", e.addr), rtmp.PlayerOptions{Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer pl.Close()
		body := append(append([]byte{}, flv.SetDataFrame...), rtmptest.MustAMF(t, "onMetaData", amf0.ECMAArray{{Key: "width", Value: 320.0}})...)
		body = append(body, make([]byte, chunk.MaxWireMessageSize-len(body))...)
		if err := rc.w.SetChunkSize(64 << 10); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = rc.send(chunk.Message{TypeID: chunk.TypeDataAMF0, CSID: chunk.CSIDData, StreamID: sid, Payload: body})
		}()
		rc.requireClosed(closedSoon)
		<-done
		_ = pl.SetReadDeadline(time.Now().Add(3 * time.Second))
		for {
			p, err := pl.ReadPacket()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the player of the bad stream: %v", err)
			}
			t.Errorf("the player received a %v packet of %d bytes", p.Kind, len(p.Data))
		}
		e.requireFlowing(t, "a 16 MiB data message")
		pl.Close()
		e.waitStreamGone(t, "live/bad")
	})
}

// bitString packs a string of 0s and 1s (spaces ignored) into bytes.
func bitString(s string) []byte {
	s = strings.ReplaceAll(s, " ", "")
	out := make([]byte, (len(s)+7)/8)
	for i, c := range s {
		if c == '1' {
			out[i/8] |= 0x80 >> (i % 8)
		}
	}
	return out
}
