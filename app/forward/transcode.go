package forward

import (
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// newTranscoder (source goroutine) returns a transcoder for one session of
// the source, or nil when the forward sends the stream on as it is. A
// transcoder that cannot be made is logged, and the session goes as is.
func (f *Forward) newTranscoder() *encode.Transcoder {
	if f.opts.Transcode == nil {
		return nil
	}
	tc, err := encode.NewTranscoder(*f.opts.Transcode, f.log)
	if err != nil {
		f.log.Warn("transcode not possible; forwarding as is", "err", err)
		return nil
	}
	return tc
}

// transcodedMetadata (source goroutine) rewrites the source's onMetaData
// for the re-encoded stream: H.264 at the transcode's bitrate (and size,
// when it sets one).
func (f *Forward) transcodedMetadata(p media.Packet) media.Packet {
	m, err := flv.ParseMetadata(p.Data, amf0.Limits{})
	if err != nil {
		m = media.Metadata{}
	}
	cfg := f.opts.Transcode
	m.HasVideo, m.VideoBitrate, m.Encoder = true, cfg.Bitrate, "OnAir Studio (transcode to H.264)"
	if cfg.Width > 0 && cfg.Height > 0 {
		m.Width, m.Height = cfg.Width, cfg.Height
	}
	p.Data = flv.EncodeMetadata(m)
	return p
}
