package rtmp

import (
	"fmt"
	"math"

	"github.com/seed7c1a73c4/onair/media"
)

// EncodeMetadata returns the AMF0 "onMetaData" name and ECMA array for m:
// the Data of a KindData packet and, after @setDataFrame, the body of the
// data message a publisher sends. Bitrates are sent in kbit/s as FLV
// expects. Video fields are present when m.HasVideo or m.Width is set,
// audio fields when m.HasAudio or m.AudioSampleRate is set.
func EncodeMetadata(m media.Metadata) []byte {
	arr := ECMAArray{{"duration", 0.0}, {"fileSize", 0.0}}
	if m.HasVideo || m.Width > 0 {
		arr = append(arr,
			Property{"width", m.Width},
			Property{"height", m.Height},
			Property{"videodatarate", float64(m.VideoBitrate) / 1000},
			Property{"framerate", m.FrameRate},
			Property{"videocodecid", int(CodecAVC)},
		)
	}
	if m.HasAudio || m.AudioSampleRate > 0 {
		arr = append(arr,
			Property{"audiodatarate", float64(m.AudioBitrate) / 1000},
			Property{"audiosamplerate", m.AudioSampleRate},
			Property{"audiosamplesize", 16},
			Property{"stereo", m.AudioChannels >= 2},
			Property{"audiocodecid", int(SoundFormatAAC)},
		)
	}
	if m.Encoder != "" {
		arr = append(arr, Property{"encoder", m.Encoder})
	}
	b, err := EncodeAMF0("onMetaData", arr)
	if err != nil { // only fixed value types above: cannot fail
		panic(fmt.Sprintf("rtmp: encoding metadata: %v", err))
	}
	return b
}

// ParseMetadata reads the fields of Metadata from an onMetaData body (with
// or without the leading @setDataFrame). Unknown or mistyped fields are
// ignored; only malformed AMF0 is an error.
func ParseMetadata(b []byte, lim Limits) (media.Metadata, error) {
	vals, err := DecodeAMF0(b, lim)
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
	m.Encoder, _ = props["encoder"].(string)
	return m, nil
}
