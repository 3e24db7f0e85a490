package flv

import (
	"fmt"

	"github.com/seed7c1a73c4/onair/codec/av1"
	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/codec/vp9"
	"github.com/seed7c1a73c4/onair/media"
)

// Enhanced RTMP (v1 and v2) video: the first byte's top bit marks an
// ExVideoTagHeader, its next three bits are the frame type and its low four
// bits the packet type below; a FourCC names the codec.
const (
	ExHeaderBit uint8 = 0x80 // set in the first byte: an ExVideoTagHeader follows

	ExSequenceStart        uint8 = 0 // body is the codec's configuration record
	ExCodedFrames          uint8 = 1 // HEVC and AVC: SI24 composition time, then the frame
	ExSequenceEnd          uint8 = 2 // empty body
	ExCodedFramesX         uint8 = 3 // the frame, composition time zero
	ExMetadata             uint8 = 4 // AMF0 metadata (colour information)
	ExMPEG2TSSequenceStart uint8 = 5 // configuration in MPEG-2 TS descriptor form
	ExMultitrack           uint8 = 6 // v2: one or more tracks, each with an ID
	ExModEx                uint8 = 7 // v2: a modifier extension precedes the real packet type

	multitrackOneTrack             = 0
	multitrackManyTracks           = 1
	multitrackManyTracksManyCodecs = 2
)

// codecFromFourCC maps an Enhanced RTMP video FourCC to a codec.
func codecFromFourCC(b []byte) (media.Codec, error) {
	if c, ok := media.CodecByFourCC(string(b)); ok {
		return c, nil
	}
	return 0, fmt.Errorf("%w: enhanced RTMP video FourCC %q", ErrUnsupported, b)
}

// parseExVideoTag parses an ExVideoTagHeader and body. Of a multitrack
// message it returns track 0, the default track, and ErrNotMedia when the
// message carries only other tracks.
func parseExVideoTag(b []byte) (VideoTag, error) {
	t := VideoTag{Enhanced: true, FrameType: b[0] >> 4 & 7, PacketType: b[0] & 0x0F}
	b = b[1:]
	for range 8 { // ModEx entries; a bound against a message of nothing else
		if t.PacketType != ExModEx {
			break
		}
		if len(b) < 1 {
			return VideoTag{}, fmt.Errorf("%w: truncated ModEx", ErrMalformed)
		}
		size, hdr := int(b[0])+1, 1
		if size == 256 {
			if len(b) < 3 {
				return VideoTag{}, fmt.Errorf("%w: truncated ModEx size", ErrMalformed)
			}
			size, hdr = (int(b[1])<<8|int(b[2]))+1, 3
		}
		if len(b) < hdr+size+1 {
			return VideoTag{}, fmt.Errorf("%w: ModEx of %d bytes overruns the tag", ErrMalformed, size)
		}
		b = b[hdr+size:]
		t.PacketType = b[0] & 0x0F
		b = b[1:]
	}
	if t.PacketType == ExModEx {
		return VideoTag{}, fmt.Errorf("%w: too many ModEx entries", ErrMalformed)
	}
	if t.FrameType == FrameInfo && t.PacketType != ExMetadata {
		return t, nil // a video command (seek start or end): no media
	}
	if t.PacketType != ExMultitrack {
		if len(b) < 4 {
			return VideoTag{}, fmt.Errorf("%w: enhanced video tag without a FourCC", ErrMalformed)
		}
		codec, err := codecFromFourCC(b[:4])
		if err != nil {
			return VideoTag{}, err
		}
		t.Codec = codec
		return exBody(t, b[4:])
	}
	return parseMultitrack(t, b)
}

// parseMultitrack finds track 0 in a multitrack body.
func parseMultitrack(t VideoTag, b []byte) (VideoTag, error) {
	if len(b) < 1 {
		return VideoTag{}, fmt.Errorf("%w: truncated multitrack header", ErrMalformed)
	}
	mt := b[0] >> 4
	t.PacketType = b[0] & 0x0F
	b = b[1:]
	if mt > multitrackManyTracksManyCodecs || t.PacketType == ExMultitrack || t.PacketType == ExModEx {
		return VideoTag{}, fmt.Errorf("%w: multitrack type %d with packet type %d", ErrMalformed, mt, t.PacketType)
	}
	var fourCC []byte
	if mt != multitrackManyTracksManyCodecs {
		if len(b) < 4 {
			return VideoTag{}, fmt.Errorf("%w: multitrack without a FourCC", ErrMalformed)
		}
		fourCC, b = b[:4], b[4:]
	}
	for len(b) > 0 {
		if mt == multitrackManyTracksManyCodecs {
			if len(b) < 4 {
				return VideoTag{}, fmt.Errorf("%w: multitrack track without a FourCC", ErrMalformed)
			}
			fourCC, b = b[:4], b[4:]
		}
		if len(b) < 1 {
			return VideoTag{}, fmt.Errorf("%w: multitrack track without an ID", ErrMalformed)
		}
		id, body := b[0], b[1:]
		b = nil
		if mt != multitrackOneTrack {
			if len(body) < 3 {
				return VideoTag{}, fmt.Errorf("%w: multitrack track without a size", ErrMalformed)
			}
			n := int(body[0])<<16 | int(body[1])<<8 | int(body[2])
			if len(body) < 3+n {
				return VideoTag{}, fmt.Errorf("%w: multitrack track of %d bytes overruns the tag", ErrMalformed, n)
			}
			body, b = body[3:3+n], body[3+n:]
		}
		if id != 0 {
			continue
		}
		codec, err := codecFromFourCC(fourCC)
		if err != nil {
			return VideoTag{}, err
		}
		t.Codec = codec
		return exBody(t, body)
	}
	return VideoTag{}, fmt.Errorf("%w: multitrack video without track 0", ErrNotMedia)
}

// exBody reads the composition time where the packet type and codec carry
// one, and sets Data.
func exBody(t VideoTag, b []byte) (VideoTag, error) {
	if t.PacketType == ExCodedFrames && (t.Codec == media.CodecHEVC || t.Codec == media.CodecH264) {
		if len(b) < 3 {
			return VideoTag{}, fmt.Errorf("%w: coded frames without a composition time", ErrMalformed)
		}
		cts := int32(uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]))
		t.CompositionTime = cts << 8 >> 8
		b = b[3:]
	}
	t.Data = b
	return t, nil
}

// exPacket converts a parsed enhanced video tag to a packet. A frame type of
// 0, which some publishers send, is read from the bitstream.
func exPacket(t VideoTag, ts int64) (media.Packet, error) {
	p := media.Packet{Kind: media.KindVideo, Codec: t.Codec, DTS: ts, PTS: ts}
	switch t.PacketType {
	case ExSequenceStart:
		p.Header, p.Key, p.Data = true, true, t.Data
		return p, nil
	case ExCodedFrames, ExCodedFramesX:
		if len(t.Data) == 0 {
			return media.Packet{}, fmt.Errorf("%w: empty %s frame", ErrNotMedia, t.Codec)
		}
		p.PTS += int64(t.CompositionTime)
		p.Data = t.Data
		switch t.FrameType {
		case FrameKey, FrameGeneratedKey:
			p.Key = true
		case 0:
			p.Key = randomAccess(t.Codec, t.Data)
		}
		return p, nil
	case ExSequenceEnd, ExMetadata:
		return media.Packet{}, fmt.Errorf("%w: enhanced video packet type %d", ErrNotMedia, t.PacketType)
	}
	return media.Packet{}, fmt.Errorf("%w: enhanced video packet type %d", ErrUnsupported, t.PacketType)
}

// randomAccess reads from a frame whether a decoder can start there.
func randomAccess(c media.Codec, data []byte) bool {
	switch c {
	case media.CodecHEVC:
		return hevc.IsRandomAccess(data)
	case media.CodecAV1:
		return av1.IsRandomAccess(data)
	case media.CodecVP9:
		key, _, _ := vp9.Keyframe(data)
		return key
	}
	return false
}

// AppendExVideoTag appends an Enhanced RTMP video tag body for a packet of
// a codec other than H.264: a sequence start, or coded frames (with a
// composition time for HEVC when it is not zero).
func AppendExVideoTag(dst []byte, p *media.Packet) []byte {
	ft := FrameInter
	if p.Key || p.Header {
		ft = FrameKey
	}
	pt := ExCodedFramesX
	cts := max(MinCTS, min(MaxCTS, p.CompositionTime()))
	switch {
	case p.Header:
		pt = ExSequenceStart
	case p.Codec == media.CodecHEVC && cts != 0:
		pt = ExCodedFrames
	}
	dst = append(dst, ExHeaderBit|ft<<4|pt)
	dst = append(dst, p.Codec.FourCC()...)
	if pt == ExCodedFrames {
		dst = append(dst, byte(cts>>16), byte(cts>>8), byte(cts))
	}
	return append(dst, p.Data...)
}
