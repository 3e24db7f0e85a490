package rtmp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/seed7c1a73c4/onair/codec/aac"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVideoAudioTags(t *testing.T) {
	for _, cts := range []int32{0, 1, -1, 66, -66, maxCTS, minCTS} {
		b := AppendVideoTag(nil, true, AVCNALU, cts, []byte{0, 0, 0, 1, 0x65})
		v, err := ParseVideoTag(b)
		if err != nil || v.FrameType != FrameKey || v.CodecID != CodecAVC || v.CompositionTime != cts || len(v.Data) != 5 {
			t.Fatalf("cts %d: %+v %v", cts, v, err)
		}
	}
	if v, _ := ParseVideoTag(AppendVideoTag(nil, false, AVCNALU, 1<<30, nil)); v.CompositionTime != maxCTS {
		t.Fatalf("cts not clamped: %d", v.CompositionTime)
	}
	a, err := ParseAudioTag(AppendAudioTag(nil, true, []byte{0x11, 0x90}))
	if err != nil || a.SoundFormat != SoundFormatAAC || a.AACPacketType != AACSequenceHeader || a.SoundRate != 3 || a.SoundType != 1 {
		t.Fatalf("%+v %v", a, err)
	}
	for _, bad := range [][]byte{nil, {0x17}, {0x17, 1, 0, 0}} {
		if _, err := ParseVideoTag(bad); err == nil {
			t.Errorf("ParseVideoTag(%x) accepted", bad)
		}
	}
	if _, err := ParseVideoTag([]byte{0x90, 'h', 'v', 'c', '1'}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("enhanced RTMP: %v", err)
	}
	if _, err := ParseAudioTag([]byte{0xAF}); err == nil {
		t.Error("1-byte AAC tag accepted")
	}
}

func TestPacketMessageRoundTrip(t *testing.T) {
	pkts := []media.Packet{
		{Kind: media.KindVideo, Header: true, Key: true, DTS: 0, PTS: 0, Data: []byte{1, 0x64, 0, 0x28}},
		{Kind: media.KindVideo, Key: true, DTS: 33, PTS: 100, Data: []byte{0, 0, 0, 1, 0x65}},
		{Kind: media.KindVideo, Key: false, DTS: 66, PTS: 33, Data: []byte{0, 0, 0, 1, 0x41}},
		{Kind: media.KindAudio, Header: true, Key: true, Data: []byte{0x11, 0x90}},
		{Kind: media.KindAudio, Key: true, DTS: 21, PTS: 21, Data: []byte{0x21, 0x10}},
		{Kind: media.KindData, Key: true, Data: EncodeMetadata(media.Metadata{Width: 320, Height: 240, HasVideo: true})},
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
		{TypeID: TypeVideo, Payload: []byte{0x17, AVCEndOfSequence, 0, 0, 0}},
		{TypeID: TypeVideo, Payload: []byte{0x50, 0}},
		{TypeID: TypeDataAMF0, Payload: mustAMF(t, "onCuePoint", nil)},
		{TypeID: TypeUserControl, Payload: []byte{0, 0}},
	}
	for i, m := range notMedia {
		if _, err := PacketFromMessage(m); !errors.Is(err, ErrNotMedia) {
			t.Errorf("not-media %d: %v", i, err)
		}
	}
	if _, err := PacketFromMessage(Message{TypeID: TypeVideo, Payload: []byte{0x12, 0}}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("H.263: %v", err)
	}
	if _, err := PacketFromMessage(Message{TypeID: TypeAudio, Payload: []byte{0x2F, 0}}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("MP3: %v", err)
	}
	if media.WrapTimestamp(1<<32+7) != MessageFromPacket(&media.Packet{Kind: media.KindAudio, DTS: 1<<32 + 7}).Timestamp {
		t.Error("DTS not wrapped")
	}
}

func mustAMF(t testing.TB, vals ...any) []byte {
	t.Helper()
	b, err := amf0.Encode(vals...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMetadataRoundTrip(t *testing.T) {
	in := media.Metadata{Width: 1280, Height: 720, FrameRate: 29.97, VideoBitrate: 4_500_000, AudioBitrate: 160_000,
		AudioSampleRate: 48000, AudioChannels: 2, HasVideo: true, HasAudio: true, Encoder: "OnAir Studio (libx264)"}
	b := EncodeMetadata(in)
	out, err := ParseMetadata(b, amf0.Limits{})
	if err != nil || out != in {
		t.Fatalf("got %+v, %v", out, err)
	}
	p, err := PacketFromMessage(Message{TypeID: TypeDataAMF0, Payload: append(append([]byte{}, setDataFrame...), b...)})
	if err != nil || !bytes.Equal(p.Data, b) {
		t.Fatalf("@setDataFrame not stripped: %v", err)
	}
}

// readSampleFLV returns the packets of testdata/sample.flv.
func readSampleFLV(t testing.TB) []media.Packet {
	t.Helper()
	f, err := os.Open("testdata/sample.flv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewFLVReader(f, Limits{})
	var out []media.Packet
	for {
		tag, err := r.ReadTag()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := PacketFromMessage(tag.Message())
		if errors.Is(err, ErrNotMedia) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
}

func TestSampleFLV(t *testing.T) {
	pkts := readSampleFLV(t)
	var v, a, keys int
	var avc h264.Config
	var acfg aac.Config
	for _, p := range pkts {
		switch {
		case p.Kind == media.KindVideo && p.Header:
			var err error
			if avc, err = h264.ParseConfig(p.Data); err != nil {
				t.Fatal(err)
			}
		case p.Kind == media.KindAudio && p.Header:
			var err error
			if acfg, err = aac.ParseConfig(p.Data); err != nil {
				t.Fatal(err)
			}
		case p.Kind == media.KindVideo:
			v++
			if p.Key {
				keys++
			}
		case p.Kind == media.KindAudio:
			a++
		}
	}
	info, err := avc.Info()
	if err != nil || info.Width != 320 || info.Height != 240 || avc.Profile != 100 || info.FrameRate != 30 {
		t.Fatalf("AVC %+v %+v %v", avc, info, err)
	}
	if acfg.SampleRate != 48000 || acfg.Channels != 2 || acfg.ObjectType != aac.ObjectLC {
		t.Fatalf("AAC %+v", acfg)
	}
	if v != 60 || keys != 2 || a < 90 {
		t.Fatalf("%d video (%d key), %d audio", v, keys, a)
	}
}

func TestFLVReaderMalformed(t *testing.T) {
	data, err := os.ReadFile("testdata/sample.flv")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 3, 9, 12, 13, 20, 24, 500} {
		r := NewFLVReader(bytes.NewReader(data[:n]), Limits{})
		var err error
		for err == nil {
			_, err = r.ReadTag()
		}
		if n > 13 && err == io.EOF {
			t.Errorf("truncated at %d: clean EOF", n)
		}
	}
	big := append([]byte("FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"), 9, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0)
	if _, err := NewFLVReader(bytes.NewReader(big), Limits{MaxMessageSize: 1 << 20}).ReadTag(); !errors.Is(err, ErrLimit) {
		t.Errorf("oversized tag: %v", err)
	}
	if _, err := NewFLVReader(bytes.NewReader([]byte("GIF89a.........")), Limits{}).ReadTag(); !errors.Is(err, ErrMalformed) {
		t.Errorf("not FLV: %v", err)
	}
}
