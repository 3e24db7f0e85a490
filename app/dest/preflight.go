package dest

import (
	"fmt"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/app/store"
	"github.com/seed7c1a73c4/onair/media"

	"github.com/seed7c1a73c4/onair/rtmp"
)

// platformKeyInt is the keyframe interval every platform preset asks for,
// whatever longer interval it still accepts.
const platformKeyInt = 2 * time.Second

// Preflight checks the output against every enabled destination before
// going live, and the sum of their bitrates against measuredUpload (bits
// per second; 0 or less when not measured). Warnings come per destination
// in order, then the whole-output one. No message contains a stream key.
func Preflight(out program.OutputConfig, dests []Destination, measuredUpload int) []Warning {
	var warns []Warning
	enabled := 0
	for _, d := range dests {
		if !d.Enabled {
			continue
		}
		enabled++
		svc, known := ServiceByID(d.Service)
		name := d.Name
		if name == "" {
			name = svc.Name
		}
		for _, msg := range destinationFindings(out, d, svc, known) {
			warns = append(warns, Warning{Destination: redactKeyIn(name, d.Key), Message: redactKeyIn(msg, d.Key)})
		}
	}
	need := enabled * (out.VideoBitrate + out.AudioBitrate)
	if measuredUpload > 0 && enabled > 0 && need > measuredUpload {
		subject := "the destinations need " + program.FormatBitrate(need) + " together"
		if enabled == 1 {
			subject = "the stream needs " + program.FormatBitrate(need)
		}
		warns = append(warns, Warning{Message: fmt.Sprintf("%s but the measured upload is %s",
			subject, program.FormatBitrate(roundKilo(measuredUpload)))})
	}
	return warns
}

// destinationFindings lists what is wrong between the output and one
// destination, one sentence each.
func destinationFindings(out program.OutputConfig, d Destination, svc Service, known bool) []string {
	if !known {
		return []string{fmt.Sprintf("unknown service %q: edit the destination and choose one", d.Service)}
	}
	var msgs []string
	if svc.RequiresRTMPS && strings.HasPrefix(strings.ToLower(strings.TrimSpace(d.Server)), "rtmp://") {
		msgs = append(msgs, needsRTMPS(svc))
	}
	switch {
	case svc.MaxKeyInt > 0 && out.KeyInt > svc.MaxKeyInt:
		msgs = append(msgs, fmt.Sprintf("the keyframe interval is %s; %s wants %s or less", out.KeyInt, svc.Name, svc.MaxKeyInt))
	case isPlatform(svc) && out.KeyInt > platformKeyInt:
		msgs = append(msgs, fmt.Sprintf("the keyframe interval is %s; %s recommends %s", out.KeyInt, svc.Name, platformKeyInt))
	}
	if svc.MaxVideoBitrate > 0 && out.VideoBitrate > svc.MaxVideoBitrate {
		msgs = append(msgs, fmt.Sprintf("the video bitrate is %s; %s takes at most %s",
			program.FormatBitrate(out.VideoBitrate), svc.Name, program.FormatBitrate(svc.MaxVideoBitrate)))
	}
	if c := out.VideoCodec(); isPlatform(svc) && !svc.Takes(c) {
		msgs = append(msgs, fmt.Sprintf("the video is %s; %s takes only %s over RTMP: choose H.264 in Encoding", c.Name(), svc.Name, codecNames(svc)))
	}
	if strings.TrimSpace(d.Key) == "" {
		if isPlatform(svc) {
			msgs = append(msgs, "the stream key is missing: "+svc.KeyHelp)
		} else if _, err := rtmp.ParseTarget(d.Server, ""); err != nil && strings.TrimSpace(d.Server) != "" {
			msgs = append(msgs, "the stream key is missing: put it in the key field or at the end of the URL")
		}
	}
	return msgs
}

// codecNames lists the video codecs svc takes ("H.264", "H.264 and HEVC").
func codecNames(svc Service) string {
	names := []string{media.CodecH264.Name()}
	for _, c := range svc.VideoCodecs {
		if c != media.CodecH264 {
			names = append(names, c.Name())
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// redactKeyIn is the backstop that keeps a key typed into another field out of
// a warning (keys shorter than store.MinSecretLen are left alone, as in Secrets).
func redactKeyIn(text, key string) string {
	if len(key) < store.MinSecretLen {
		return text
	}
	return strings.ReplaceAll(text, key, store.Mask)
}

// roundKilo rounds bits per second to whole kilobits, so a measured figure
// reads like the configured ones.
func roundKilo(bps int) int { return (bps + 500) / 1000 * 1000 }
