package rtmp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	const fbKey = "FB-123456789-0-AbCdEfSECRET?s_bl=1&s_psm=1&s_sc=987&s_sw=0&s_vt=api-s&a=AbSECRET"
	cases := []struct {
		name, url, key                      string
		scheme, host                        string
		port                                int
		app, stream, query, tcURL, redacted string
	}{
		{"youtube", "rtmp://a.rtmp.youtube.com/live2", "abcd-efgh-ijkl-mnop-qrst",
			"rtmp", "a.rtmp.youtube.com", 1935, "live2", "abcd-efgh-ijkl-mnop-qrst", "",
			"rtmp://a.rtmp.youtube.com/live2", "rtmp://a.rtmp.youtube.com:1935/live2/••••"},
		{"youtube backup", "rtmp://b.rtmp.youtube.com/live2?backup=1", "abcd-efgh",
			"rtmp", "b.rtmp.youtube.com", 1935, "live2?backup=1", "abcd-efgh", "",
			"rtmp://b.rtmp.youtube.com/live2?backup=1", "rtmp://b.rtmp.youtube.com:1935/live2?backup=••••/••••"},
		{"youtube rtmps", "rtmps://a.rtmps.youtube.com:443/live2", "abcd",
			"rtmps", "a.rtmps.youtube.com", 443, "live2", "abcd", "",
			"rtmps://a.rtmps.youtube.com:443/live2", "rtmps://a.rtmps.youtube.com:443/live2/••••"},
		{"youtube full url", "rtmps://a.rtmps.youtube.com/live2/abcd-efgh", "",
			"rtmps", "a.rtmps.youtube.com", 443, "live2", "abcd-efgh", "",
			"rtmps://a.rtmps.youtube.com/live2", "rtmps://a.rtmps.youtube.com:443/live2/••••"},
		{"twitch", "rtmp://live.twitch.tv/app/", "live_123456_AbCdEf",
			"rtmp", "live.twitch.tv", 1935, "app", "live_123456_AbCdEf", "",
			"rtmp://live.twitch.tv/app", "rtmp://live.twitch.tv:1935/app/••••"},
		{"twitch bandwidth test", "rtmp://fra05.contribute.live-video.net/app/live_123_Ab?bandwidthtest=true", "",
			"rtmp", "fra05.contribute.live-video.net", 1935, "app", "live_123_Ab", "bandwidthtest=true",
			"rtmp://fra05.contribute.live-video.net/app", "rtmp://fra05.contribute.live-video.net:1935/app/••••?bandwidthtest=••••"},
		{"facebook", "rtmps://live-api-s.facebook.com:443/rtmp/", fbKey,
			"rtmps", "live-api-s.facebook.com", 443, "rtmp", "FB-123456789-0-AbCdEfSECRET", "s_bl=1&s_psm=1&s_sc=987&s_sw=0&s_vt=api-s&a=AbSECRET",
			"rtmps://live-api-s.facebook.com:443/rtmp",
			"rtmps://live-api-s.facebook.com:443/rtmp/••••?s_bl=••••&s_psm=••••&s_sc=••••&s_sw=••••&s_vt=••••&a=••••"},
		{"multi-segment app", "rtmp://127.0.0.1:1936/app/inst/key1", "",
			"rtmp", "127.0.0.1", 1936, "app/inst", "key1", "", "rtmp://127.0.0.1:1936/app/inst", "rtmp://127.0.0.1:1936/app/inst/••••"},
		{"ipv6", "rtmp://[::1]:19350/live/k", "",
			"rtmp", "::1", 19350, "live", "k", "", "rtmp://[::1]:19350/live", "rtmp://[::1]:19350/live/••••"},
		{"url and key both", "RTMP://Host.Example/live/SECRETKEY123", " SECRETKEY123 ",
			"rtmp", "Host.Example", 1935, "live", "SECRETKEY123", "", "rtmp://Host.Example/live", "rtmp://Host.Example:1935/live/••••"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg, err := ParseTarget(c.url, c.key)
			if err != nil {
				t.Fatal(err)
			}
			if tg.Scheme != c.scheme || tg.Host != c.host || tg.Port != c.port || tg.App != c.app || tg.Name != c.stream || tg.Query != c.query || tg.TCURL != c.tcURL {
				t.Fatalf("got %#v\nfields %q %q %d %q %q %q %q", tg, tg.Scheme, tg.Host, tg.Port, tg.App, tg.Name, tg.Query, tg.TCURL)
			}
			if tg.Redacted() != c.redacted {
				t.Fatalf("Redacted = %q, want %q", tg.Redacted(), c.redacted)
			}
			assertNoSecrets(t, tg, printTarget(tg))
		})
	}
}

// printTarget renders tg every way a careless caller might.
func printTarget(tg Target) string {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v %+v %#v %s ", tg, tg, tg, tg)
	fmt.Fprintf(&buf, "%v %+v ", &tg, struct{ T Target }{tg})
	j, _ := json.Marshal(struct{ T Target }{tg})
	buf.Write(j)
	// No time attribute: its digits could contain a short query value
	// (Facebook's s_sc=987) and fail the check by chance.
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	slog.New(slog.NewJSONHandler(&buf, opts)).Info("x", "t", tg, "nested", struct{ T Target }{tg})
	slog.New(slog.NewTextHandler(&buf, opts)).Info("x", "t", tg, "p", &tg)
	return buf.String()
}

// assertNoSecrets fails if text contains the stream name or a query value
// (values that also occur in the public part of the URL, like "api-s" in
// Facebook's host name, do not count).
func assertNoSecrets(t *testing.T, tg Target, text string) {
	t.Helper()
	for _, s := range tg.secrets() {
		if strings.Contains(text, s) && !strings.Contains(tg.Redacted(), s) {
			t.Fatalf("secret %q leaked in %q", s, text)
		}
	}
}

func TestParseTargetErrors(t *testing.T) {
	const key = "SECRETKEY123"
	cases := []struct{ url, key, want string }{
		{"", key, "missing server URL"},
		{"   ", key, "missing server URL"},
		{"http://example.com/live/" + key, "", `unsupported scheme "http": use rtmp:// or rtmps://`},
		{"srt://example.com/live", key, `unsupported scheme "srt"`},
		{"live.twitch.tv/app/" + key, "", "must start with rtmp:// or rtmps://"},
		{"rtmp:///live/" + key, "", "missing or invalid host"},
		{"rtmp://bad host/live/" + key, "", "missing or invalid host"},
		{"rtmp://example.com", key, "missing app name"},
		{"rtmp://example.com/", key, "missing app name"},
		{"rtmp://example.com/live", "", "missing stream key"},
		{"rtmp://example.com/live/", "  ", "missing stream key"},
		{"rtmp://example.com:99999/live/" + key, "", `invalid port "99999"`},
		{"rtmp://example.com:0/live/" + key, "", `invalid port "0"`},
		{"rtmp://u:" + key + "@example.com/live/x", "", "user names and passwords"},
		{"rtmp://example.com/live/x%zz" + key, "", ""},
	}
	for _, c := range cases {
		_, err := ParseTarget(c.url, c.key)
		if c.want == "" {
			continue // accepted: the key is sent as written
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseTarget(%q, %q) = %v, want %q", c.url, c.key, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), key) {
			t.Errorf("key leaked: %v", err)
		}
	}
}

func TestTargetScrub(t *testing.T) {
	tg, err := ParseTarget("rtmp://h/app?token=APPSECRET", "KEY123?sig=QSECRET&x=1")
	if err != nil {
		t.Fatal(err)
	}
	got := tg.scrub("stream KEY123?sig=QSECRET&x=1 bad; KEY123 again; sig QSECRET; app APPSECRET; x=1")
	for _, s := range []string{"KEY123", "QSECRET", "APPSECRET"} {
		if strings.Contains(got, s) {
			t.Fatalf("%q left in %q", s, got)
		}
	}
	if tg.PublishName() != "KEY123?sig=QSECRET&x=1" {
		t.Fatal(tg.PublishName())
	}
}
