package forward

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/store"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// Spec is one "SOURCE[:h264[@BITRATE]]=URL" of `onair serve --forward`: a
// stream of the local server and one destination to send it to, as it is
// or re-encoded to H.264.
type Spec struct {
	Source      string           // "app/name" on the local server, e.g. live/cam
	Destination dest.Destination // Server holds the whole URL, key included
	Target      rtmp.Target      // the parsed URL; prints redacted
	// Transcode is set by ":h264": re-encode the video to H.264 at the
	// bitrate given after "@" (default 4.5 Mb/s), keyframes every 2 s.
	Transcode *encode.TranscodeConfig
}

// DefaultTranscodeBitrate is a ":h264" forward's bitrate when it names none.
const DefaultTranscodeBitrate = 4_500_000

// errSyntax is the sentence for a spec without "=". It never
// repeats the input, which may hold a stream key.
var errSyntax = errors.New("a forward is SOURCE=URL, e.g. live/cam=rtmps://host/app/KEY, or SOURCE:h264@4500k=URL to re-encode")

// ParseSpec parses "live/cam=rtmps://host/app/KEY", or
// "live/cam:h264@4500k=rtmps://host/app/KEY" to re-encode the video to
// H.264 at 4500 kb/s. A source without an app ("cam") is in the app
// "live". Errors never contain the stream key: they name the source and
// the redacted URL only.
func ParseSpec(spec string) (Spec, error) {
	// A source name cannot hold "=", so the first one ends it; the URL may
	// have more in its query.
	src, rawURL, ok := strings.Cut(strings.TrimSpace(spec), "=")
	if !ok {
		return Spec{}, errSyntax
	}
	src, how, transcode := strings.Cut(src, ":")
	src, err := SourceName(src)
	if err != nil {
		return Spec{}, err
	}
	var tc *encode.TranscodeConfig
	if transcode {
		if tc, err = parseTranscode(how); err != nil {
			return Spec{}, fmt.Errorf("forward of %s: %w", src, err)
		}
	}
	t, err := rtmp.ParseTarget(rawURL, "")
	if err != nil {
		return Spec{}, fmt.Errorf("forward of %s: %w", src, err)
	}
	d := dest.Destination{
		ID:      "forward-" + src + "-" + dest.NewID(),
		Name:    src + " → " + t.Redacted(),
		Service: "custom",
		Server:  strings.TrimSpace(rawURL),
		Enabled: true,
	}
	return Spec{Source: src, Destination: d, Target: t, Transcode: tc}, nil
}

// parseTranscode reads what follows the source's ":": "h264", or
// "h264@RATE" with RATE in b/s, or with k or M (4500k, 4.5M).
func parseTranscode(s string) (*encode.TranscodeConfig, error) {
	codec, rate, hasRate := strings.Cut(strings.ToLower(s), "@")
	if codec != "h264" {
		// Never quoted: the input may be a misplaced URL with its key.
		return nil, errors.New("a forward's source is a local stream name, followed by :h264 or :h264@RATE to re-encode to H.264")
	}
	tc := &encode.TranscodeConfig{Bitrate: DefaultTranscodeBitrate, KeyInt: 2 * time.Second}
	if !hasRate {
		return tc, nil
	}
	v, err := program.ParseBitrate(rate)
	if err != nil || v < 100e3 || v > 100e6 {
		return nil, errors.New("the bitrate after :h264@ must be from 100k to 100M (4500k, 4.5M)")
	}
	tc.Bitrate = v
	return tc, nil
}

// SourceName normalises and checks the name of a local stream to
// forward: "cam" becomes "live/cam"; segments use letters, digits and
// . _ ~ - as the server requires.
func SourceName(s string) (string, error) {
	s = strings.Trim(strings.TrimSpace(s), "/")
	if s == "" {
		return "", errors.New("the forward has no source: name a local stream, e.g. live/cam")
	}
	if !strings.Contains(s, "/") {
		s = "live/" + s
	}
	if len(s) > 128 {
		return "", errors.New("the forward's source name is longer than 128 characters")
	}
	for seg := range strings.SplitSeq(s, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.IndexFunc(seg, badNameRune) >= 0 {
			return "", errors.New("the forward's source must be a local stream name such as live/cam (letters, digits and . _ ~ -)")
		}
	}
	return s, nil
}

func badNameRune(r rune) bool {
	ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '.' || r == '_' || r == '~' || r == '-'
	return !ok
}

// AddSecrets registers the stream key and query values of t with
// secrets, the backstop that masks them in every log line.
func AddSecrets(secrets *store.Secrets, t rtmp.Target) {
	if secrets == nil {
		return
	}
	secrets.Add(t.PublishName())
	secrets.Add(t.Name)
	for kv := range strings.SplitSeq(t.Query, "&") {
		_, v, _ := strings.Cut(kv, "=")
		secrets.Add(v)
	}
}
