package flv

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/seed7c1a73c4/onair/codec/aac"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

func TestVideoAudioTags(t *testing.T) {
	for _, cts := range []int32{0, 1, -1, 66, -66, MaxCTS, MinCTS} {
		b := AppendVideoTag(nil, true, AVCNALU, cts, []byte{0, 0, 0, 1, 0x65})
		v, err := ParseVideoTag(b)
		if err != nil || v.FrameType != FrameKey || v.CodecID != CodecAVC || v.CompositionTime != cts || len(v.Data) != 5 {
			t.Fatalf("cts %d: %+v %v", cts, v, err)
		}
	}
	if v, _ := ParseVideoTag(AppendVideoTag(nil, false, AVCNALU, 1<<30, nil)); v.CompositionTime != MaxCTS {
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
	if _, err := ParseVideoTag([]byte{0x90, 'v', 'p', '0', '8'}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("enhanced RTMP with an unknown FourCC: %v", err)
	}
	if _, err := ParseAudioTag([]byte{0xAF}); err == nil {
		t.Error("1-byte AAC tag accepted")
	}
}

func TestMetadataRoundTrip(t *testing.T) {
	in := media.Metadata{Width: 1280, Height: 720, FrameRate: 29.97, VideoBitrate: 4_500_000, AudioBitrate: 160_000,
		AudioSampleRate: 48000, AudioChannels: 2, HasVideo: true, HasAudio: true, Encoder: "OnAir Studio (libx264)"}
	b := EncodeMetadata(in)
	out, err := ParseMetadata(b, amf0.Limits{})
	if err != nil || out != in {
		t.Fatalf("got %+v, %v", out, err)
	}
	p, err := PacketFromTag(TagScript, 0, append(append([]byte{}, SetDataFrame...), b...))
	if err != nil || !bytes.Equal(p.Data, b) {
		t.Fatalf("@setDataFrame not stripped: %v", err)
	}
	// Enhanced RTMP's codecs travel as their FourCC's number, as FFmpeg's
	// flv muxer writes them.
	in.VideoCodec = media.CodecHEVC
	b = EncodeMetadata(in)
	vals, err := amf0.Decode(b, amf0.Limits{})
	if err != nil || len(vals) != 2 {
		t.Fatalf("decoding the HEVC metadata: %v", err)
	}
	if id := vals[1].(map[string]any)["videocodecid"]; id != float64(0x68766331) {
		t.Errorf("videocodecid of HEVC is %v, want 1752589105 (\"hvc1\")", id)
	}
	if out, err := ParseMetadata(b, amf0.Limits{}); err != nil || out != in {
		t.Fatalf("HEVC: got %+v, %v", out, err)
	}
}

// readSample returns the packets of testdata/sample.flv (ReadPackets).
func readSample(t testing.TB) []media.Packet {
	t.Helper()
	f, err := os.Open("testdata/sample.flv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := ReadPackets(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSampleFLV(t *testing.T) {
	pkts := readSample(t)
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
		r := NewReader(bytes.NewReader(data[:n]), 0)
		var err error
		for err == nil {
			_, err = r.ReadTag()
		}
		if n > 13 && err == io.EOF {
			t.Errorf("truncated at %d: clean EOF", n)
		}
	}
	big := append([]byte("FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00"), 9, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0)
	if _, err := NewReader(bytes.NewReader(big), 1<<20).ReadTag(); !errors.Is(err, ErrLimit) {
		t.Errorf("oversized tag: %v", err)
	}
	if _, err := NewReader(bytes.NewReader([]byte("GIF89a.........")), 0).ReadTag(); !errors.Is(err, ErrMalformed) {
		t.Errorf("not FLV: %v", err)
	}
}
func FuzzReader(f *testing.F) {
	f.Add([]byte("FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00\x09\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x17\x01\x00\x00\x00\x00\x00\x00\x10"))
	f.Add(AppendVideoTag(nil, true, AVCNALU, -33, []byte{0, 0, 0, 1, 0x65}))
	f.Add(AppendAudioTag(nil, true, []byte{0x11, 0x90}))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseVideoTag(data)
		_, _ = ParseAudioTag(data)
		for _, typ := range []uint8{TagVideo, TagAudio, TagScript} {
			roundTrip(t, Tag{Type: typ, Timestamp: 1000, Data: data})
		}
		r := NewReader(bytes.NewReader(data), 1<<16)
		for {
			tag, err := r.ReadTag()
			if err != nil {
				if err != io.EOF && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrLimit) && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("unclassified error %v", err)
				}
				return
			}
			roundTrip(t, tag)
		}
	})
}

// roundTrip checks tag → Packet → tag body → Packet is stable.
func roundTrip(t *testing.T, tag Tag) {
	p, err := tag.Packet()
	if err != nil {
		return
	}
	if p.Kind == media.KindVideo && (p.PTS-p.DTS < MinCTS || p.PTS-p.DTS > MaxCTS) {
		t.Fatalf("composition time %d", p.PTS-p.DTS)
	}
	p2, err := PacketFromTag(tag.Type, tag.Timestamp, AppendPayload(nil, &p))
	if err != nil {
		t.Fatalf("re-encoded packet: %v", err)
	}
	if p2.Kind != p.Kind || p2.Header != p.Header || p2.Key != p.Key || p2.DTS != p.DTS || p2.PTS != p.PTS || !bytes.Equal(p2.Data, p.Data) {
		t.Fatalf("round trip: %+v → %+v", p, p2)
	}
}
