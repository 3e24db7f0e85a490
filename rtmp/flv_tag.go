package rtmp

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// FLV video tag constants (H.264 only).
const (
	FrameKey          uint8 = 1 // keyframe
	FrameInter        uint8 = 2 // inter frame
	FrameDisposable   uint8 = 3 // disposable inter frame (H.263 only)
	FrameGeneratedKey uint8 = 4 // generated keyframe (server use)
	FrameInfo         uint8 = 5 // video info/command frame
	CodecAVC          uint8 = 7 // H.264

	AVCSequenceHeader uint8 = 0 // body is an AVCDecoderConfigurationRecord
	AVCNALU           uint8 = 1 // body is length-prefixed NAL units
	AVCEndOfSequence  uint8 = 2 // empty body

	SoundFormatAAC    uint8 = 10
	AACSequenceHeader uint8 = 0 // body is an AudioSpecificConfig
	AACRaw            uint8 = 1 // body is one raw AAC frame

	aacAudioByte = 0xAF // AAC, 44 kHz, 16-bit, stereo: what FLV mandates for AAC
	minCTS       = -1 << 23
	maxCTS       = 1<<23 - 1
)

// setDataFrame prefixes onMetaData in the data message a publisher sends.
var setDataFrame = []byte{amf0.MarkerString, 0, 13, '@', 's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r', 'a', 'm', 'e'}

// VideoTag is a parsed FLV video tag body. Data aliases the input.
type VideoTag struct {
	FrameType       uint8
	CodecID         uint8
	AVCPacketType   uint8 // AVC only
	CompositionTime int32 // AVC only: PTS-DTS in ms
	Data            []byte
}

// ParseVideoTag parses an FLV video tag body. For codecs other than AVC only
// the first byte is interpreted. Enhanced-RTMP bodies (HEVC, AV1…) are
// ErrUnsupported.
func ParseVideoTag(b []byte) (VideoTag, error) {
	if len(b) < 1 {
		return VideoTag{}, fmt.Errorf("%w: empty video tag", ErrMalformed)
	}
	if b[0]&0x80 != 0 {
		return VideoTag{}, fmt.Errorf("%w: enhanced RTMP video (only H.264 is supported)", ErrUnsupported)
	}
	t := VideoTag{FrameType: b[0] >> 4, CodecID: b[0] & 0x0F}
	if t.CodecID != CodecAVC || t.FrameType == FrameInfo {
		t.Data = b[1:]
		return t, nil
	}
	if len(b) < 5 {
		return VideoTag{}, fmt.Errorf("%w: AVC video tag of %d bytes", ErrMalformed, len(b))
	}
	t.AVCPacketType = b[1]
	cts := int32(uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4]))
	t.CompositionTime = cts << 8 >> 8 // sign-extend 24 bits
	t.Data = b[5:]
	return t, nil
}

// AppendVideoTag appends an AVC video tag body. cts is clamped to the signed
// 24-bit range.
func AppendVideoTag(dst []byte, key bool, avcPacketType uint8, cts int32, data []byte) []byte {
	ft := FrameInter
	if key {
		ft = FrameKey
	}
	cts = max(minCTS, min(maxCTS, cts))
	dst = append(dst, ft<<4|CodecAVC, avcPacketType, byte(cts>>16), byte(cts>>8), byte(cts))
	return append(dst, data...)
}

// AudioTag is a parsed FLV audio tag body. Data aliases the input.
type AudioTag struct {
	SoundFormat   uint8
	SoundRate     uint8 // 0=5.5k 1=11k 2=22k 3=44k
	SoundSize     uint8 // 0=8-bit 1=16-bit
	SoundType     uint8 // 0=mono 1=stereo
	AACPacketType uint8 // AAC only
	Data          []byte
}

// ParseAudioTag parses an FLV audio tag body.
func ParseAudioTag(b []byte) (AudioTag, error) {
	if len(b) < 1 {
		return AudioTag{}, fmt.Errorf("%w: empty audio tag", ErrMalformed)
	}
	t := AudioTag{SoundFormat: b[0] >> 4, SoundRate: b[0] >> 2 & 3, SoundSize: b[0] >> 1 & 1, SoundType: b[0] & 1}
	if t.SoundFormat != SoundFormatAAC {
		t.Data = b[1:]
		return t, nil
	}
	if len(b) < 2 {
		return AudioTag{}, fmt.Errorf("%w: AAC audio tag of 1 byte", ErrMalformed)
	}
	t.AACPacketType, t.Data = b[1], b[2:]
	return t, nil
}

// AppendAudioTag appends an AAC audio tag body.
func AppendAudioTag(dst []byte, header bool, data []byte) []byte {
	pt := AACRaw
	if header {
		pt = AACSequenceHeader
	}
	return append(append(dst, aacAudioByte, pt), data...)
}

// PacketFromMessage converts an audio, video or data message into a Packet.
// Data aliases m.Payload. DTS is the 32-bit message timestamp as is: pass it
// through a TimestampUnwrapper first for streams that may run past 49 days.
// Messages with no media (end of sequence, info frames, empty bodies, data
// other than onMetaData) return an error wrapping ErrNotMedia; codecs other
// than H.264 and AAC return ErrUnsupported.
func PacketFromMessage(m Message) (media.Packet, error) {
	ts := int64(m.Timestamp)
	switch m.TypeID {
	case TypeVideo:
		if len(m.Payload) == 0 {
			return media.Packet{}, fmt.Errorf("%w: empty video message", ErrNotMedia)
		}
		t, err := ParseVideoTag(m.Payload)
		if err != nil {
			return media.Packet{}, err
		}
		if t.FrameType == FrameInfo {
			return media.Packet{}, fmt.Errorf("%w: video info frame", ErrNotMedia)
		}
		if t.CodecID != CodecAVC {
			return media.Packet{}, fmt.Errorf("%w: video codec %d (only H.264 is supported)", ErrUnsupported, t.CodecID)
		}
		switch t.AVCPacketType {
		case AVCSequenceHeader:
			return media.Packet{Kind: media.KindVideo, Header: true, Key: true, DTS: ts, PTS: ts, Data: t.Data}, nil
		case AVCNALU:
			key := t.FrameType == FrameKey || t.FrameType == FrameGeneratedKey
			return media.Packet{Kind: media.KindVideo, Key: key, DTS: ts, PTS: ts + int64(t.CompositionTime), Data: t.Data}, nil
		case AVCEndOfSequence:
			return media.Packet{}, fmt.Errorf("%w: AVC end of sequence", ErrNotMedia)
		}
		return media.Packet{}, fmt.Errorf("%w: AVC packet type %d", ErrMalformed, t.AVCPacketType)
	case TypeAudio:
		if len(m.Payload) == 0 {
			return media.Packet{}, fmt.Errorf("%w: empty audio message", ErrNotMedia)
		}
		t, err := ParseAudioTag(m.Payload)
		if err != nil {
			return media.Packet{}, err
		}
		if t.SoundFormat != SoundFormatAAC {
			return media.Packet{}, fmt.Errorf("%w: audio format %d (only AAC is supported)", ErrUnsupported, t.SoundFormat)
		}
		if t.AACPacketType > AACRaw {
			return media.Packet{}, fmt.Errorf("%w: AAC packet type %d", ErrMalformed, t.AACPacketType)
		}
		return media.Packet{Kind: media.KindAudio, Header: t.AACPacketType == AACSequenceHeader, Key: true, DTS: ts, PTS: ts, Data: t.Data}, nil
	case TypeDataAMF0, TypeDataAMF3:
		body := m.Payload
		if m.TypeID == TypeDataAMF3 && len(body) > 0 && body[0] == 0 {
			body = body[1:]
		}
		body = bytes.TrimPrefix(body, setDataFrame)
		if name, ok := leadingAMF0String(body); !ok || name != "onMetaData" {
			return media.Packet{}, fmt.Errorf("%w: data message is not onMetaData", ErrNotMedia)
		}
		return media.Packet{Kind: media.KindData, Key: true, DTS: ts, PTS: ts, Data: body}, nil
	}
	return media.Packet{}, fmt.Errorf("%w: message type %d", ErrNotMedia, m.TypeID)
}

// leadingAMF0String returns the AMF0 short string at the start of b.
func leadingAMF0String(b []byte) (string, bool) {
	if len(b) < 3 || b[0] != amf0.MarkerString {
		return "", false
	}
	n := int(binary.BigEndian.Uint16(b[1:]))
	if len(b) < 3+n {
		return "", false
	}
	return string(b[3 : 3+n]), true
}

// AppendPacketPayload appends the RTMP message body of p: an FLV tag body for
// audio and video, @setDataFrame plus p.Data for data.
func AppendPacketPayload(dst []byte, p *media.Packet) []byte {
	switch p.Kind {
	case media.KindVideo:
		var pt uint8 = AVCNALU
		if p.Header {
			pt = AVCSequenceHeader
		}
		return AppendVideoTag(dst, p.Key || p.Header, pt, p.CompositionTime(), p.Data)
	case media.KindAudio:
		return AppendAudioTag(dst, p.Header, p.Data)
	}
	return append(append(dst, setDataFrame...), p.Data...)
}

// MessageFromPacket returns the message carrying p, with a freshly
// allocated payload, the chunk stream this package uses for its kind and the
// DTS wrapped to 32 bits. The caller sets StreamID.
func MessageFromPacket(p *media.Packet) Message {
	return packetMessage(p, AppendPacketPayload(nil, p))
}

// packetMessage returns the message of p with payload (p's RTMP body): the
// message type and chunk stream of its kind, and the DTS wrapped to 32
// bits. The caller sets StreamID.
func packetMessage(p *media.Packet, payload []byte) Message {
	m := Message{Timestamp: media.WrapTimestamp(p.DTS), Payload: payload}
	m.TypeID, m.CSID = kindRoute(p.Kind)
	return m
}

// kindRoute is the message type and the chunk stream a packet kind is sent
// with.
func kindRoute(k media.Kind) (typeID uint8, csid uint32) {
	switch k {
	case media.KindVideo:
		return TypeVideo, CSIDVideo
	case media.KindAudio:
		return TypeAudio, CSIDAudio
	}
	return TypeDataAMF0, CSIDData
}
