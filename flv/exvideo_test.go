package flv

import (
	"bytes"
	"errors"
	"testing"

	"github.com/seed7c1a73c4/onair/media"
)

// hevcIDR and hevcTrail are 4-byte-length access units with one NAL unit
// header each: an IDR_W_RADL (type 19) and a TRAIL_R (type 1) slice.
var (
	hevcIDR   = []byte{0, 0, 0, 3, 19 << 1, 1, 0xAA}
	hevcTrail = []byte{0, 0, 0, 3, 1 << 1, 1, 0xBB}
	// av1Key is a temporal unit with a temporal delimiter and a
	// (content-free) sequence header OBU; av1Inter has a frame OBU only.
	av1Key   = []byte{0x12, 0x00, 0x0A, 0x01, 0x00}
	av1Inter = []byte{0x12, 0x00, 0x32, 0x01, 0x00}
)

func TestEnhancedVideoRoundTrip(t *testing.T) {
	for _, p := range []media.Packet{
		{Kind: media.KindVideo, Codec: media.CodecHEVC, Header: true, Key: true, DTS: 0, PTS: 0, Data: []byte{1, 2, 3}},
		{Kind: media.KindVideo, Codec: media.CodecHEVC, Key: true, DTS: 40, PTS: 120, Data: hevcIDR},
		{Kind: media.KindVideo, Codec: media.CodecHEVC, DTS: 80, PTS: 80, Data: hevcTrail},
		{Kind: media.KindVideo, Codec: media.CodecHEVC, DTS: 120, PTS: 80, Data: hevcTrail},
		{Kind: media.KindVideo, Codec: media.CodecAV1, Header: true, Key: true, DTS: 7, PTS: 7, Data: []byte{0x81, 0, 0x0C, 0}},
		{Kind: media.KindVideo, Codec: media.CodecAV1, Key: true, DTS: 33, PTS: 33, Data: av1Key},
		{Kind: media.KindVideo, Codec: media.CodecVP9, DTS: 66, PTS: 66, Data: []byte{0x86, 0}},
	} {
		body := AppendPayload(nil, &p)
		if body[0]&ExHeaderBit == 0 || string(body[1:5]) != p.Codec.FourCC() {
			t.Fatalf("%s: not an enhanced tag: % x", p.Codec, body[:5])
		}
		got, err := PacketFromTag(TagVideo, uint32(p.DTS), body)
		if err != nil {
			t.Fatalf("%s %+v: %v", p.Codec, p, err)
		}
		if got.Codec != p.Codec || got.Header != p.Header || got.Key != p.Key || got.DTS != p.DTS || got.PTS != p.PTS || !bytes.Equal(got.Data, p.Data) {
			t.Fatalf("round trip: sent %+v, got %+v", p, got)
		}
	}
}

// TestEnhancedVideoFrameTypeZero: gortmplib sends frame type 0 (reserved)
// on every enhanced frame; whether it is a keyframe comes from the bitstream.
func TestEnhancedVideoFrameTypeZero(t *testing.T) {
	for _, c := range []struct {
		fourCC string
		data   []byte
		key    bool
	}{
		{"hvc1", hevcIDR, true}, {"hvc1", hevcTrail, false}, {"av01", av1Key, true}, {"av01", av1Inter, false},
	} {
		body := append(append([]byte{ExHeaderBit | ExCodedFramesX}, c.fourCC...), c.data...)
		p, err := PacketFromTag(TagVideo, 0, body)
		if err != nil || p.Key != c.key {
			t.Errorf("%s % x: key %v, want %v (%v)", c.fourCC, c.data, p.Key, c.key, err)
		}
	}
}

func TestEnhancedVideoV2Framing(t *testing.T) {
	frame := append([]byte("hvc1"), hevcIDR...)
	// ModEx (a 3-byte timestamp offset in nanoseconds), then coded frames X.
	modEx := append([]byte{ExHeaderBit | FrameKey<<4 | ExModEx, 2, 0, 1, 0x40, 0<<4 | ExCodedFramesX}, frame...)
	p, err := PacketFromTag(TagVideo, 5, modEx)
	if err != nil || p.Codec != media.CodecHEVC || !p.Key || !bytes.Equal(p.Data, hevcIDR) {
		t.Fatalf("ModEx: %+v %v", p, err)
	}
	one := append([]byte{ExHeaderBit | FrameKey<<4 | ExMultitrack, multitrackOneTrack<<4 | ExCodedFramesX}, "hvc1"...)
	if p, err := PacketFromTag(TagVideo, 5, append(append(one, 0), hevcIDR...)); err != nil || !bytes.Equal(p.Data, hevcIDR) {
		t.Fatalf("one track, ID 0: %+v %v", p, err)
	}
	if _, err := PacketFromTag(TagVideo, 5, append(append(one, 1), hevcIDR...)); !errors.Is(err, ErrNotMedia) {
		t.Fatalf("one track, ID 1: %v", err)
	}
	many := []byte{ExHeaderBit | FrameKey<<4 | ExMultitrack, multitrackManyTracksManyCodecs<<4 | ExCodedFramesX}
	many = append(append(many, "av01"...), 1, 0, 0, 2, 0xEE, 0xEE)
	many = append(append(many, "hvc1"...), 0, 0, 0, byte(len(hevcIDR)))
	many = append(many, hevcIDR...)
	if p, err := PacketFromTag(TagVideo, 5, many); err != nil || p.Codec != media.CodecHEVC || !bytes.Equal(p.Data, hevcIDR) {
		t.Fatalf("many tracks, many codecs: %+v %v", p, err)
	}
	for name, b := range map[string][]byte{
		"ModEx overrun":      {ExHeaderBit | ExModEx, 9, 1},
		"ModEx only":         {ExHeaderBit | ExModEx, 0, 0, ExModEx << 0},
		"no FourCC":          {ExHeaderBit | ExCodedFramesX, 'h', 'v'},
		"no CTS":             {ExHeaderBit | ExCodedFrames, 'h', 'v', 'c', '1', 0},
		"track size overrun": append(append([]byte{ExHeaderBit | ExMultitrack, multitrackManyTracks<<4 | ExCodedFramesX}, "hvc1"...), 0, 0, 0, 9, 1),
		"nested multitrack":  {ExHeaderBit | ExMultitrack, ExMultitrack, 'h', 'v', 'c', '1', 0},
	} {
		if _, err := PacketFromTag(TagVideo, 0, b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
	for _, pt := range []uint8{ExSequenceEnd, ExMetadata} {
		if _, err := PacketFromTag(TagVideo, 0, append([]byte{ExHeaderBit | pt}, "hvc1"...)); !errors.Is(err, ErrNotMedia) {
			t.Errorf("packet type %d: %v, want ErrNotMedia", pt, err)
		}
	}
}

// FuzzVideoTag: no body panics the parser, and what parses as a packet
// survives AppendPayload and a second parse.
func FuzzVideoTag(f *testing.F) {
	f.Add(append([]byte{ExHeaderBit | FrameKey<<4 | ExCodedFrames, 'h', 'v', 'c', '1', 0, 0, 40}, hevcIDR...))
	f.Add(append([]byte{ExHeaderBit | ExCodedFramesX, 'a', 'v', '0', '1'}, av1Key...))
	f.Add([]byte{ExHeaderBit | ExModEx, 0, 0, ExSequenceStart, 'v', 'p', '0', '9', 1, 0, 0, 0})
	f.Add([]byte{ExHeaderBit | ExMultitrack, multitrackManyTracks<<4 | ExCodedFramesX, 'h', 'v', 'c', '1', 0, 0, 0, 1, 0x26})
	f.Add(AppendVideoTag(nil, true, AVCNALU, 33, []byte{0, 0, 0, 1, 0x65}))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := PacketFromTag(TagVideo, 1000, b)
		if err != nil {
			return
		}
		again, err := PacketFromTag(TagVideo, 1000, AppendPayload(nil, &p))
		if err != nil || again.Codec != p.Codec || again.Header != p.Header || again.PTS != p.PTS || !bytes.Equal(again.Data, p.Data) {
			t.Fatalf("% x: %+v then %+v (%v)", b, p, again, err)
		}
	})
}
