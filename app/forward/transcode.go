package forward

import (
	"fmt"
	"strconv"
	"time"

	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// newTranscoder (source goroutine) returns a transcoder for the session
// whose first video packet is of codec c, or nil when the forward sends the
// stream on as it is: Options.Transcode re-encodes any video,
// Options.AutoTranscode only video that is not H.264. A transcoder that
// cannot be made is logged, and the session goes as is.
func (f *Forward) newTranscoder(c media.Codec) *encode.Transcoder {
	cfg := f.opts.Transcode
	if cfg == nil && c != media.CodecH264 {
		cfg = f.opts.AutoTranscode
	}
	if cfg == nil {
		f.setTranscoding("")
		return nil
	}
	tc, err := encode.NewTranscoder(*cfg, f.log)
	if err != nil {
		f.log.Warn("transcode not possible; forwarding as is", "err", err)
		f.setTranscoding("")
		return nil
	}
	f.active = cfg
	f.mu.Lock()
	f.tc, f.cpuAt, f.cpuPrev, f.cores = tc, time.Now(), 0, -1
	f.mu.Unlock()
	f.setTranscoding(fmt.Sprintf("%s re-encoded to H.264 at %s", codecName(c), formatRate(cfg.Bitrate)))
	return tc
}

// endTranscode (source goroutine) closes the session's transcoder.
func (f *Forward) endTranscode(tc *encode.Transcoder) {
	f.mu.Lock()
	f.tc = nil
	f.mu.Unlock()
	tc.Close()
}

// setTranscoding records what Stats says of the transcode.
func (f *Forward) setTranscoding(s string) {
	f.mu.Lock()
	f.transcoding = s
	f.mu.Unlock()
}

// transcodeNoteLocked is what Stats says of the transcode: what it does,
// and the share of a core it took since the last measurement of at least a
// second (f.mu held).
func (f *Forward) transcodeNoteLocked(now time.Time) string {
	if f.tc == nil || f.transcoding == "" {
		return f.transcoding
	}
	if cpu, ok := f.tc.CPUTime(); ok && now.Sub(f.cpuAt) >= time.Second {
		f.cores = float64(cpu-f.cpuPrev) / float64(now.Sub(f.cpuAt))
		f.cpuPrev, f.cpuAt = cpu, now
	}
	if f.cores < 0 {
		return f.transcoding
	}
	return fmt.Sprintf("%s, %.2f of a core", f.transcoding, f.cores)
}

// codecName is how the window names a video codec.
func codecName(c media.Codec) string {
	switch c {
	case media.CodecH264:
		return "H.264"
	case media.CodecHEVC:
		return "HEVC"
	case media.CodecAV1:
		return "AV1"
	case media.CodecVP9:
		return "VP9"
	}
	return c.String()
}

// formatRate writes a bitrate as "4.5 Mb/s" or "800 kb/s".
func formatRate(bps int) string {
	if bps >= 1_000_000 {
		return strconv.FormatFloat(float64(bps)/1e6, 'f', -1, 64) + " Mb/s"
	}
	return strconv.Itoa(bps/1000) + " kb/s"
}

// transcodedMetadata (source goroutine) rewrites the source's onMetaData
// for the re-encoded stream: H.264 at the transcode's bitrate (and size,
// when it sets one).
func (f *Forward) transcodedMetadata(p media.Packet) media.Packet {
	m, err := flv.ParseMetadata(p.Data, amf0.Limits{})
	if err != nil {
		m = media.Metadata{}
	}
	cfg := f.active
	m.HasVideo, m.VideoBitrate, m.Encoder = true, cfg.Bitrate, "OnAir Studio (transcode to H.264)"
	if cfg.Width > 0 && cfg.Height > 0 {
		m.Width, m.Height = cfg.Width, cfg.Height
	}
	p.Data = flv.EncodeMetadata(m)
	return p
}
