package flv

import (
	"fmt"
	"math"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// EncodeMetadata returns the AMF0 "onMetaData" name and ECMA array for m:
// the Data of a KindData packet and, after @setDataFrame, the body of the
// data message a publisher sends. Bitrates are sent in kbit/s as FLV
// expects. Video fields are present when m.HasVideo or m.Width is set,
// audio fields when m.HasAudio or m.AudioSampleRate is set.
func EncodeMetadata(m media.Metadata) []byte {
	arr := amf0.ECMAArray{{Key: "duration", Value: 0.0}, {Key: "fileSize", Value: 0.0}}
	if m.HasVideo || m.Width > 0 {
		arr = append(arr,
			amf0.Property{Key: "width", Value: m.Width},
			amf0.Property{Key: "height", Value: m.Height},
			amf0.Property{Key: "videodatarate", Value: float64(m.VideoBitrate) / 1000},
			amf0.Property{Key: "framerate", Value: m.FrameRate},
			amf0.Property{Key: "videocodecid", Value: videoCodecID(m.VideoCodec)},
		)
	}
	if m.HasAudio || m.AudioSampleRate > 0 {
		arr = append(arr,
			amf0.Property{Key: "audiodatarate", Value: float64(m.AudioBitrate) / 1000},
			amf0.Property{Key: "audiosamplerate", Value: m.AudioSampleRate},
			amf0.Property{Key: "audiosamplesize", Value: 16},
			amf0.Property{Key: "stereo", Value: m.AudioChannels >= 2},
			amf0.Property{Key: "audiocodecid", Value: int(SoundFormatAAC)},
		)
	}
	if m.Encoder != "" {
		arr = append(arr, amf0.Property{Key: "encoder", Value: m.Encoder})
	}
	b, err := amf0.Encode("onMetaData", arr)
	if err != nil { // only fixed value types above: cannot fail
		panic(fmt.Sprintf("flv: encoding metadata: %v", err))
	}
	return b
}

// videoCodecID is onMetaData's videocodecid: FLV's codec id 7 for H.264 and,
// as Enhanced RTMP says (and FFmpeg's flv muxer writes), the FourCC as a
// 32-bit number for the others ("hvc1" is 1752589105).
func videoCodecID(c media.Codec) float64 {
	if c == media.CodecH264 {
		return float64(CodecAVC)
	}
	f := c.FourCC()
	return float64(uint32(f[0])<<24 | uint32(f[1])<<16 | uint32(f[2])<<8 | uint32(f[3]))
}

// ParseMetadata reads the fields of Metadata from an onMetaData body (with
// or without the leading @setDataFrame). Unknown or mistyped fields are
// ignored; only malformed AMF0 is an error.
func ParseMetadata(b []byte, lim amf0.Limits) (media.Metadata, error) {
	vals, err := amf0.Decode(b, lim)
	if err != nil {
		return media.Metadata{}, fmt.Errorf("decoding onMetaData: %w", err)
	}
	var props map[string]any
	for _, v := range vals {
		if m, ok := v.(map[string]any); ok {
			props = m
			break
		}
	}
	num := func(k string) float64 {
		f, _ := props[k].(float64)
		if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
			return 0
		}
		return f
	}
	var m media.Metadata
	m.Width, m.Height = int(num("width")), int(num("height"))
	m.FrameRate = num("framerate")
	m.VideoBitrate = int(num("videodatarate") * 1000)
	m.AudioBitrate = int(num("audiodatarate") * 1000)
	m.AudioSampleRate = int(num("audiosamplerate"))
	m.AudioChannels = 1
	if stereo, _ := props["stereo"].(bool); stereo {
		m.AudioChannels = 2
	}
	_, hasVideoCodec := props["videocodecid"]
	_, hasAudioCodec := props["audiocodecid"]
	m.HasVideo = hasVideoCodec || m.Width > 0
	m.HasAudio = hasAudioCodec || m.AudioSampleRate > 0
	if !m.HasAudio {
		m.AudioChannels = 0
	}
	m.VideoCodec = codecOfVideoCodecID(num("videocodecid"))
	m.Encoder, _ = props["encoder"].(string)
	return m, nil
}

// codecOfVideoCodecID reads videoCodecID's numbers back; anything else
// (a legacy codec id, a string) reads as H.264, the zero value.
func codecOfVideoCodecID(id float64) media.Codec {
	for _, c := range media.Codecs() {
		if videoCodecID(c) == id {
			return c
		}
	}
	return media.CodecH264
}
