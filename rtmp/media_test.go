package rtmp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/seed7c1a73c4/onair/media"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Real SPS NAL units written by libx264.
var spsSamples = []struct {
	hex           string
	width, height int
	profile       uint8
	chroma        uint32
	fps           float64
	interlaced    bool
}{
	{"67640028acd940780227e5c044000003000400000300c83c60c658", 1920, 1080, 100, 1, 25, false},
	{"67f4001f919b280a00b76022000003000200000300641e30632c", 1280, 720, 244, 3, 25, false},
	{"6742c01ed900a02ff97011000003000100000300320f162e48", 640, 360, 66, 1, 25, false},
	{"674d401eeca05a126c0440000003004000000c87c50a6580", 720, 576, 77, 1, 25, true},
	{"677a0020bcd94056061e6f011000000300100000030320f1831960", 1366, 768, 122, 2, 25, false},
}

func TestParseSPS(t *testing.T) {
	for _, c := range spsSamples {
		s, err := ParseSPS(unhex(t, c.hex))
		if err != nil {
			t.Fatalf("%dx%d: %v", c.width, c.height, err)
		}
		if s.Width != c.width || s.Height != c.height || s.ProfileIDC != c.profile || s.ChromaFormatIDC != c.chroma || s.Interlaced != c.interlaced {
			t.Errorf("%dx%d: got %+v", c.width, c.height, s)
		}
		if !c.interlaced && s.FrameRate != c.fps {
			t.Errorf("%dx%d: frame rate %v", c.width, c.height, s.FrameRate)
		}
	}
	bad := [][]byte{nil, {0x67}, {0x68, 1, 2, 3, 4}, {0x67, 0x64, 0, 0x28}, {0x67, 0, 0, 3, 0}}
	for _, b := range bad {
		if _, err := ParseSPS(b); err == nil {
			t.Errorf("ParseSPS(%x) succeeded", b)
		}
	}
	// pic_width_in_mbs_minus1 = 1024 (16400 px) is over the bound.
	// sps_id 0, log2_max_frame_num 0, poc type 2, 0 refs, no gaps, then
	// ue(1024) for the width.
	big := append([]byte{0x67, 66, 0, 30}, bitString("1 1 011 1 0 0000000000 10000000001 1 1 1 0 0")...)
	if _, err := ParseSPS(big); err == nil || !strings.Contains(err.Error(), "pic_width_in_mbs_minus1 1024") {
		t.Errorf("oversized SPS: %v", err)
	}
	ok := append([]byte{0x67, 66, 0, 30}, bitString("1 1 011 1 0 0000000000 10000000000 0001000 1 1 0 0 1")...)
	if s, err := ParseSPS(ok); err != nil || s.Width != 16384 || s.Height != 128 {
		t.Errorf("16384-wide SPS: %+v %v", s, err)
	}
	if _, err := ParseSPS(big); err == nil {
		t.Errorf("oversized SPS accepted")
	}
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

func TestAVCConfig(t *testing.T) {
	sps := unhex(t, spsSamples[0].hex)
	pps := []byte{0x68, 0xEB, 0xE3, 0xCB, 0x22, 0xC0}
	rec, err := BuildAVCConfig([][]byte{sps}, [][]byte{pps})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseAVCConfig(rec)
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != 100 || c.Level != 0x28 || c.NALULengthSize != 4 || len(c.SPS) != 1 || len(c.PPS) != 1 || !bytes.Equal(c.PPS[0], pps) {
		t.Fatalf("got %+v", c)
	}
	info, err := c.Info()
	if err != nil || info.Width != 1920 || info.Height != 1080 {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	// Every truncation of the record is an error, never a panic.
	for n := range len(rec) - 1 {
		if _, err := ParseAVCConfig(rec[:n]); err == nil {
			t.Errorf("truncated to %d bytes: accepted", n)
		}
	}
	lying := append([]byte{}, rec...)
	lying[6], lying[7] = 0xFF, 0xFF // SPS length 65535
	if _, err := ParseAVCConfig(lying); !errors.Is(err, ErrMalformed) {
		t.Errorf("lying SPS length: %v", err)
	}
	if _, err := BuildAVCConfig(nil, [][]byte{pps}); err == nil {
		t.Error("BuildAVCConfig without SPS")
	}
}

func TestAACConfig(t *testing.T) {
	cases := []struct {
		in               string
		aot, rate, chan_ int
		sbr              bool
	}{
		{"1190", 2, 48000, 2, false},  // LC 48k stereo
		{"1210", 2, 44100, 2, false},  // LC 44.1k stereo
		{"1188", 2, 48000, 1, false},  // LC 48k mono
		{"2b1188", 2, 48000, 2, true}, // HE-AAC: 24k core, SBR 48k
	}
	for _, c := range cases {
		got, err := ParseAACConfig(unhex(t, c.in))
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got.ObjectType != c.aot || got.SampleRate != c.rate || got.Channels != c.chan_ || got.SBR != c.sbr {
			t.Errorf("%s: got %+v", c.in, got)
		}
	}
	for _, rate := range []int{48000, 44100, 8000, 50000} {
		for _, ch := range []int{1, 2, 6, 8} {
			b, err := BuildAACConfig(AACObjectLC, rate, ch)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseAACConfig(b)
			if err != nil || got.SampleRate != rate || got.Channels != ch || got.ObjectType != AACObjectLC {
				t.Errorf("round trip %d/%d: %+v %v", rate, ch, got, err)
			}
		}
	}
	for _, bad := range []string{"", "12", "0010", "17f0", "1278", "fff0"} {
		if _, err := ParseAACConfig(unhex(t, bad)); err == nil {
			t.Errorf("ParseAACConfig(%s) accepted", bad)
		}
	}
	if _, err := BuildAACConfig(AACObjectLC, 48000, 7); err == nil {
		t.Error("7 channels accepted")
	}
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
	b, err := EncodeAMF0(vals...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMetadataRoundTrip(t *testing.T) {
	in := media.Metadata{Width: 1280, Height: 720, FrameRate: 29.97, VideoBitrate: 4_500_000, AudioBitrate: 160_000,
		AudioSampleRate: 48000, AudioChannels: 2, HasVideo: true, HasAudio: true, Encoder: "OnAir Studio (libx264)"}
	b := EncodeMetadata(in)
	out, err := ParseMetadata(b, Limits{})
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
	var avc AVCConfig
	var aac AACConfig
	for _, p := range pkts {
		switch {
		case p.Kind == media.KindVideo && p.Header:
			var err error
			if avc, err = ParseAVCConfig(p.Data); err != nil {
				t.Fatal(err)
			}
		case p.Kind == media.KindAudio && p.Header:
			var err error
			if aac, err = ParseAACConfig(p.Data); err != nil {
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
	if aac.SampleRate != 48000 || aac.Channels != 2 || aac.ObjectType != AACObjectLC {
		t.Fatalf("AAC %+v", aac)
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
