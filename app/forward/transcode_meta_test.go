package forward

import (
	"testing"

	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// An HEVC camera's onMetaData says hvc1; the H.264 re-encode's must say
// H.264, at the output's bitrate and size.
func TestTranscodedMetadataSaysH264(t *testing.T) {
	src := media.Metadata{Width: 1920, Height: 1080, FrameRate: 30, VideoBitrate: 12_000_000, VideoCodec: media.CodecHEVC,
		HasVideo: true, Encoder: "camera"}
	o := &output{active: &encode.TranscodeConfig{Width: 1280, Height: 720, Bitrate: 4_500_000}}
	p := o.transcodedMetadata(media.Packet{Kind: media.KindData, Data: flv.EncodeMetadata(src)})
	m, err := flv.ParseMetadata(p.Data, amf0.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.VideoCodec != media.CodecH264 || m.VideoBitrate != 4_500_000 || m.Width != 1280 || m.Height != 720 {
		t.Errorf("re-encoded metadata %+v; want H.264 at 4.5 Mb/s, 1280x720", m)
	}
}
