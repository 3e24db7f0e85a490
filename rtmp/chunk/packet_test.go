package chunk

import (
	"bytes"
	"errors"
	"testing"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
)

func TestPacketMessageRoundTrip(t *testing.T) {
	pkts := []media.Packet{
		{Kind: media.KindVideo, Header: true, Key: true, DTS: 0, PTS: 0, Data: []byte{1, 0x64, 0, 0x28}},
		{Kind: media.KindVideo, Key: true, DTS: 33, PTS: 100, Data: []byte{0, 0, 0, 1, 0x65}},
		{Kind: media.KindVideo, Key: false, DTS: 66, PTS: 33, Data: []byte{0, 0, 0, 1, 0x41}},
		{Kind: media.KindAudio, Header: true, Key: true, Data: []byte{0x11, 0x90}},
		{Kind: media.KindAudio, Key: true, DTS: 21, PTS: 21, Data: []byte{0x21, 0x10}},
		{Kind: media.KindData, Key: true, Data: flv.EncodeMetadata(media.Metadata{Width: 320, Height: 240, HasVideo: true})},
	}
	for i, p := range pkts {
		m := MessageFromPacket(&p)
		got, err := PacketFromMessage(m)
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		if got.Kind != p.Kind || got.Header != p.Header || got.Key != p.Key || got.DTS != p.DTS || got.PTS != p.PTS || !bytes.Equal(got.Data, p.Data) {
			t.Fatalf("packet %d: got %+v want %+v", i, got, p)
		}
	}
	notMedia := []Message{
		{TypeID: TypeVideo},
		{TypeID: TypeAudio},
		{TypeID: TypeVideo, Payload: []byte{0x17, flv.AVCEndOfSequence, 0, 0, 0}},
		{TypeID: TypeVideo, Payload: []byte{0x50, 0}},
		{TypeID: TypeDataAMF0, Payload: mustAMF(t, "onCuePoint", nil)},
		{TypeID: TypeUserControl, Payload: []byte{0, 0}},
	}
	for i, m := range notMedia {
		if _, err := PacketFromMessage(m); !errors.Is(err, flv.ErrNotMedia) {
			t.Errorf("not-media %d: %v", i, err)
		}
	}
	if _, err := PacketFromMessage(Message{TypeID: TypeVideo, Payload: []byte{0x12, 0}}); !errors.Is(err, flv.ErrUnsupported) {
		t.Errorf("H.263: %v", err)
	}
	if _, err := PacketFromMessage(Message{TypeID: TypeAudio, Payload: []byte{0x2F, 0}}); !errors.Is(err, flv.ErrUnsupported) {
		t.Errorf("MP3: %v", err)
	}
	if media.WrapTimestamp(1<<32+7) != MessageFromPacket(&media.Packet{Kind: media.KindAudio, DTS: 1<<32 + 7}).Timestamp {
		t.Error("DTS not wrapped")
	}
}
