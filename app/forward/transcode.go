package forward

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// cpuRate turns a growing CPU time into a share of a core, measured over
// a second or more.
type cpuRate struct {
	at    time.Time
	prev  time.Duration
	cores float64 // negative until measured
}

// reset starts measuring a new counter.
func (r *cpuRate) reset() { r.at, r.prev, r.cores = time.Now(), 0, -1 }

// update takes the counter's total (ok: it is measured) and returns the
// share of a core, negative until a second has passed.
func (r *cpuRate) update(now time.Time, total time.Duration, ok bool) float64 {
	if ok && now.Sub(r.at) >= time.Second {
		r.cores = float64(total-r.prev) / float64(now.Sub(r.at))
		r.prev, r.at = total, now
	}
	return r.cores
}

// cost is a share of a core as the window says it, "" before it is known.
func cost(cores float64) string {
	if cores < 0 {
		return ""
	}
	return fmt.Sprintf("%.2f of a core", cores)
}

// transcodeNote is what Stats says of the re-encoding: what it does and
// what it costs. One output: "HEVC re-encoded to H.264 at 6 Mb/s, 0.42 of
// a core" (decoding and encoding); several: "HEVC decoded once (0.05 of a
// core), re-encoded to H.264 at 6 Mb/s (0.38 of a core) and at 2.5 Mb/s
// (0.20 of a core)". When some outputs send the video as it is, each rate
// names its destinations and the note ends "; as it is to YouTube". ""
// when nothing is re-encoded.
func (f *Forward) transcodeNote(now time.Time) string {
	type part struct {
		rate, to string
		cores    float64
	}
	var parts []part
	var asIs []string
	for _, o := range f.outs {
		o.mu.Lock()
		if o.transcoding {
			c := -1.0
			if o.enc != nil {
				total, ok := o.enc.CPUTime()
				c = o.encCPU.update(now, total, ok)
			}
			parts = append(parts, part{rate: o.rate, to: o.names(), cores: c})
		} else {
			asIs = append(asIs, o.names())
		}
		o.mu.Unlock()
	}
	if len(parts) == 0 {
		return ""
	}
	f.mu.Lock()
	dec, codec := -1.0, codecName(f.srcCodec)
	if f.dec != nil {
		total, ok := f.dec.CPUTime()
		dec = f.decCPU.update(now, total, ok)
	}
	f.mu.Unlock()
	rate := func(p part) string {
		if len(asIs) > 0 {
			return p.rate + " for " + p.to
		}
		return p.rate
	}
	var b strings.Builder
	if len(parts) == 1 {
		b.WriteString(codec + " re-encoded to H.264 at " + rate(parts[0]))
		if dec >= 0 && parts[0].cores >= 0 {
			b.WriteString(", " + cost(dec+parts[0].cores))
		}
	} else {
		b.WriteString(codec + " decoded once")
		if c := cost(dec); c != "" {
			b.WriteString(" (" + c + ")")
		}
		for i, p := range parts {
			switch {
			case i == 0:
				b.WriteString(", re-encoded to H.264 at ")
			case i == len(parts)-1:
				b.WriteString(" and at ")
			default:
				b.WriteString(", at ")
			}
			b.WriteString(rate(p))
			if c := cost(p.cores); c != "" {
				b.WriteString(" (" + c + ")")
			}
		}
	}
	if len(asIs) > 0 {
		b.WriteString("; as it is to " + strings.Join(asIs, ", "))
	}
	return b.String()
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

// transcodedMetadata rewrites the source's onMetaData for the output's
// re-encoded stream: H.264 at its bitrate (and size, when it sets one).
func (o *output) transcodedMetadata(p media.Packet) media.Packet {
	m, err := flv.ParseMetadata(p.Data, amf0.Limits{})
	if err != nil {
		m = media.Metadata{}
	}
	cfg := o.active
	m.HasVideo, m.VideoCodec, m.VideoBitrate, m.Encoder = true, media.CodecH264, cfg.Bitrate, "OnAir Studio (transcode to H.264)"
	if cfg.Width > 0 && cfg.Height > 0 {
		m.Width, m.Height = cfg.Width, cfg.Height
	}
	p.Data = flv.EncodeMetadata(m)
	return p
}
