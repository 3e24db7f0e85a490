package dash

import (
	"fmt"
	"strings"
	"time"
)

// manifest renders the MPD (under s.mu). It is nil until the segment
// duration is known: after the second keyframe.
func (s *Stream) manifest(now time.Time) []byte {
	d := s.segDur
	if d == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011,urn:mpeg:dash:profile:cmaf:2019" type="dynamic"`)
	fmt.Fprintf(&b, ` availabilityStartTime="%s" publishTime="%s"`, xsDate(s.ast), xsDate(now))
	if s.ended {
		fmt.Fprintf(&b, ` mediaPresentationDuration="%s"`, xsDur(time.Duration(s.endMS)*time.Millisecond))
	} else {
		b.WriteString(` minimumUpdatePeriod="PT10S"`)
	}
	fmt.Fprintf(&b, ` timeShiftBufferDepth="%s" maxSegmentDuration="%s" minBufferTime="PT1S">`+"\n",
		xsDur(time.Duration(s.cfg.SegmentCount-1)*d), xsDur(d*3/2))
	target := s.cfg.LatencyTarget.Milliseconds()
	fmt.Fprintf(&b, `  <ServiceDescription id="0"><Latency referenceId="0" target="%d" min="%d" max="%d"/><PlaybackRate min="0.96" max="1.04"/></ServiceDescription>`+"\n",
		target, target*2/3, target*3)
	b.WriteString(`  <Period id="0" start="PT0S">` + "\n")
	for i, t := range []*track{s.video, s.audio} {
		if t != nil {
			s.adaptationSet(&b, i, t, d)
		}
	}
	b.WriteString("  </Period>\n")
	fmt.Fprintf(&b, `  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="%s"/>`+"\n", xsDate(now))
	b.WriteString("</MPD>\n")
	return []byte(b.String())
}

func (s *Stream) adaptationSet(b *strings.Builder, id int, t *track, d time.Duration) {
	kind, mime := "video", "video/mp4"
	if t.id == "a" {
		kind, mime = "audio", "audio/mp4"
	}
	fmt.Fprintf(b, `    <AdaptationSet id="%d" contentType="%s" mimeType="%s" segmentAlignment="true" startWithSAP="1">`+"\n", id, kind, mime)
	ato := (d - s.cfg.ChunkDuration).Seconds()
	fmt.Fprintf(b, `      <SegmentTemplate timescale="%d" duration="%d" startNumber="1" presentationTimeOffset="0" initialization="dash-%s-init.mp4" media="dash-%s-$Number$.m4s" availabilityTimeOffset="%.3f" availabilityTimeComplete="false"/>`+"\n",
		t.timescale, int64(d)*int64(t.timescale)/int64(time.Second), t.id, t.id, max(ato, 0))
	fmt.Fprintf(b, `      <Representation id="%s" codecs="%s" bandwidth="%d"`, t.id, t.codecs, t.bandwidth(d))
	if t.id == "v" {
		if t.width > 0 {
			fmt.Fprintf(b, ` width="%d" height="%d"`, t.width, t.height)
		}
		b.WriteString("/>\n")
	} else {
		fmt.Fprintf(b, ` audioSamplingRate="%d">`+"\n", t.timescale)
		fmt.Fprintf(b, `        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="%d"/>`+"\n", t.channels)
		b.WriteString("      </Representation>\n")
	}
	b.WriteString("    </AdaptationSet>\n")
}

// bandwidth estimates the bitrate from the largest complete segment.
func (t *track) bandwidth(d time.Duration) int64 {
	var most int
	for _, s := range t.segs {
		if s.done {
			most = max(most, s.bytes)
		}
	}
	if most == 0 || d <= 0 {
		if t.id == "v" {
			return 2_000_000
		}
		return 128_000
	}
	return int64(float64(most*8) / d.Seconds())
}

func xsDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func xsDur(d time.Duration) string { return fmt.Sprintf("PT%.3fS", d.Seconds()) }
