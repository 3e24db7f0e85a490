// Package flv reads and writes FLV: the audio and video tag bodies that
// RTMP messages carry too (H.264 and AAC), the onMetaData script data, and
// FLV files. It converts tag bodies to and from media.Packet.
package flv

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

	// MinCTS and MaxCTS bound the composition time (PTS-DTS, ms) of a video
	// tag: a signed 24-bit field.
	MinCTS = -1 << 23
	MaxCTS = 1<<23 - 1
)

// SetDataFrame prefixes onMetaData in the data message a publisher sends.
var SetDataFrame = []byte{amf0.MarkerString, 0, 13, '@', 's', 'e', 't', 'D', 'a', 't', 'a', 'F', 'r', 'a', 'm', 'e'}

// VideoTag is a parsed FLV video tag body. Data aliases the input.
type VideoTag struct {
	FrameType       uint8
	CodecID         uint8 // legacy tags only
	AVCPacketType   uint8 // legacy AVC only
	CompositionTime int32 // AVC and HEVC: PTS-DTS in ms
	Data            []byte

	Enhanced   bool        // an Enhanced RTMP ExVideoTagHeader
	PacketType uint8       // enhanced only: ExSequenceStart, ExCodedFrames…
	Codec      media.Codec // enhanced only: from the FourCC
}

// ParseVideoTag parses an FLV video tag body, legacy or Enhanced RTMP (v1
// and v2: FourCC, ModEx, and track 0 of a multitrack message). For legacy
// codecs other than AVC only the first byte is interpreted; FourCCs other
// than avc1, hvc1, av01 and vp09 are ErrUnsupported.
func ParseVideoTag(b []byte) (VideoTag, error) {
	if len(b) < 1 {
		return VideoTag{}, fmt.Errorf("%w: empty video tag", ErrMalformed)
	}
	if b[0]&ExHeaderBit != 0 {
		return parseExVideoTag(b)
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
	cts = max(MinCTS, min(MaxCTS, cts))
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

// PacketFromTag converts the body of an audio, video or script-data tag
// (RTMP messages of types 8, 9 and 18 carry the same bodies) into a
// Packet. Data aliases body. DTS is the 32-bit timestamp as is: pass it
// through a media.TimestampUnwrapper first for streams that may run past 49
// days. Tags with no media (end of sequence, info frames, empty bodies,
// data other than onMetaData) return an error wrapping ErrNotMedia; codecs
// other than H.264, HEVC, AV1, VP9 (the last three over Enhanced RTMP) and
// AAC return ErrUnsupported.
func PacketFromTag(tagType uint8, timestamp uint32, body []byte) (media.Packet, error) {
	ts := int64(timestamp)
	switch tagType {
	case TagVideo:
		if len(body) == 0 {
			return media.Packet{}, fmt.Errorf("%w: empty video message", ErrNotMedia)
		}
		t, err := ParseVideoTag(body)
		if err != nil {
			return media.Packet{}, err
		}
		if t.FrameType == FrameInfo {
			return media.Packet{}, fmt.Errorf("%w: video info frame", ErrNotMedia)
		}
		if t.Enhanced {
			return exPacket(t, ts)
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
	case TagAudio:
		if len(body) == 0 {
			return media.Packet{}, fmt.Errorf("%w: empty audio message", ErrNotMedia)
		}
		t, err := ParseAudioTag(body)
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
	case TagScript:
		body = bytes.TrimPrefix(body, SetDataFrame)
		if name, ok := leadingAMF0String(body); !ok || name != "onMetaData" {
			return media.Packet{}, fmt.Errorf("%w: data message is not onMetaData", ErrNotMedia)
		}
		return media.Packet{Kind: media.KindData, Key: true, DTS: ts, PTS: ts, Data: body}, nil
	}
	return media.Packet{}, fmt.Errorf("%w: tag type %d", ErrNotMedia, tagType)
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

// AppendPayload appends the tag body (the RTMP message body) of p: an
// audio or video tag body (Enhanced RTMP for video other than H.264), or
// @setDataFrame plus p.Data for data.
func AppendPayload(dst []byte, p *media.Packet) []byte {
	switch p.Kind {
	case media.KindVideo:
		if p.Codec != media.CodecH264 {
			return AppendExVideoTag(dst, p)
		}
		var pt uint8 = AVCNALU
		if p.Header {
			pt = AVCSequenceHeader
		}
		return AppendVideoTag(dst, p.Key || p.Header, pt, p.CompositionTime(), p.Data)
	case media.KindAudio:
		return AppendAudioTag(dst, p.Header, p.Data)
	}
	return append(append(dst, SetDataFrame...), p.Data...)
}
