package forward

import (
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
)

const fwdTestKey = "sk-Abcdef0123456789"

func TestParseForwardSpec(t *testing.T) {
	for _, c := range []struct {
		spec, source, redacted string
	}{
		{"live/cam=rtmp://127.0.0.1:1935/live/" + fwdTestKey, "live/cam", "rtmp://127.0.0.1:1935/live/••••"},
		{"cam=rtmps://a.example.com/app/" + fwdTestKey, "live/cam", "rtmps://a.example.com:443/app/••••"},
		{" studio/east/door-1 = rtmp://h/app/" + fwdTestKey + "?key=" + fwdTestKey, "studio/east/door-1", "rtmp://h:1935/app/••••?key=••••"},
	} {
		s, err := ParseSpec(c.spec)
		if err != nil {
			t.Fatalf("%q: %v", c.spec, err)
		}
		if s.Source != c.source || s.Target.Redacted() != c.redacted {
			t.Errorf("%q: source %q url %q; want %q %q", c.spec, s.Source, s.Target.Redacted(), c.source, c.redacted)
		}
		if strings.Contains(s.Destination.Name, fwdTestKey) || s.Destination.ID == "" {
			t.Errorf("%q: destination %q / id %q", c.spec, s.Destination.Name, s.Destination.ID)
		}
		if _, err := rtmp.ParseTarget(s.Destination.Server, s.Destination.Key); err != nil {
			t.Errorf("%q: the destination does not parse again: %v", c.spec, err)
		}
	}
}

func TestParseForwardSpecTranscode(t *testing.T) {
	for _, c := range []struct {
		spec string
		rate int // 0: no transcode
	}{
		{"live/cam=rtmp://h/app/" + fwdTestKey, 0},
		{"live/cam:h264=rtmp://h/app/" + fwdTestKey, DefaultTranscodeBitrate},
		{"cam:h264@4500k=rtmp://h/app/" + fwdTestKey, 4_500_000},
		{"cam:H264@2.5M=rtmp://h/app/" + fwdTestKey, 2_500_000},
		{"cam:h264@800000=rtmp://h/app/" + fwdTestKey, 800_000},
	} {
		s, err := ParseSpec(c.spec)
		if err != nil {
			t.Fatalf("%q: %v", c.spec, err)
		}
		if s.Source != "live/cam" {
			t.Errorf("%q: source %q", c.spec, s.Source)
		}
		switch {
		case c.rate == 0 && s.Transcode != nil:
			t.Errorf("%q: transcodes (%+v)", c.spec, *s.Transcode)
		case c.rate != 0 && (s.Transcode == nil || s.Transcode.Bitrate != c.rate || s.Transcode.KeyInt != 2*time.Second):
			t.Errorf("%q: transcode %+v, want H.264 at %d b/s, keyframes every 2 s", c.spec, s.Transcode, c.rate)
		}
	}
}

func TestParseForwardSpecRefusesWithoutTheKey(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{"rtmps://host/app/" + fwdTestKey, "SOURCE=URL"},
		{"=rtmp://host/app/" + fwdTestKey, "no source"},
		{"live/c am=rtmp://host/app/" + fwdTestKey, "local stream name"},
		{"live/../x=rtmp://host/app/" + fwdTestKey, "local stream name"},
		{"rtmp://host/app?key=" + fwdTestKey, "local stream name"},
		{"live/cam=http://host/app/" + fwdTestKey, "rtmp://"},
		{"live/cam=rtmp://host/app", "stream key"},
		{"live/cam=", "URL"},
		{strings.Repeat("a/", 70) + "=rtmp://h/app/" + fwdTestKey, "128"},
		{"live/cam:h265=rtmp://h/app/" + fwdTestKey, ":h264"},
		{"live/cam:h264@50k=rtmp://h/app/" + fwdTestKey, "100k to 100M"},
		{"live/cam:h264@fast=rtmp://h/app/" + fwdTestKey, "100k to 100M"},
	} {
		_, err := ParseSpec(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v; want one naming %q", c.spec, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), fwdTestKey) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error is not one sentence without the key: %q", c.spec, err)
		}
	}
}

func TestAddForwardSecretsMasksKeyAndQuery(t *testing.T) {
	s, err := ParseSpec("live/cam=rtmp://h/app/" + fwdTestKey + "?token=tok-0123456789&x=1")
	if err != nil {
		t.Fatal(err)
	}
	var sec store.Secrets
	AddSecrets(&sec, s.Target)
	got := sec.Redact("pushing " + fwdTestKey + "?token=tok-0123456789&x=1")
	if strings.Contains(got, fwdTestKey) || strings.Contains(got, "tok-0123456789") {
		t.Fatalf("not masked: %q", got)
	}
	AddSecrets(nil, s.Target) // a nil set is allowed
}

// FuzzParseForwardSpec checks that no input panics and that an error
// never repeats what followed the "=" (where the key is).
func FuzzParseForwardSpec(f *testing.F) {
	for _, s := range []string{
		"live/cam=rtmp://127.0.0.1/live/" + fwdTestKey,
		"cam=rtmps://host:443/app/" + fwdTestKey + "?a=b",
		"=", "a=b=c", "live/cam=rtmp://[::1]:99/x/y", "live/cam=rtmp://u:p@h/a/k",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSpec(spec)
		if err != nil {
			_, after, _ := strings.Cut(spec, "=")
			if len(after) >= 12 && strings.Contains(err.Error(), after) {
				t.Fatalf("error %q repeats the URL", err)
			}
			return
		}
		if strings.Contains(s.Target.Redacted(), s.Target.Name) && len(s.Target.Name) >= 12 {
			t.Fatalf("redacted URL %q shows the key", s.Target.Redacted())
		}
		if _, err := SourceName(s.Source); err != nil {
			t.Fatalf("source %q does not check again: %v", s.Source, err)
		}
	})
}

func TestForwardClockContinuesAcrossSessions(t *testing.T) {
	var c clock
	pk := func(kind media.Kind, header bool, dts, cts int64) media.Packet {
		p := media.Packet{Kind: kind, Header: header, DTS: dts, PTS: dts + cts}
		c.place(&p)
		return p
	}
	// First session: the server's timeline is kept as it is.
	pk(media.KindVideo, true, 5000, 0)
	if p := pk(media.KindVideo, false, 5000, 66); p.DTS != 5000 || p.PTS != 5066 {
		t.Fatalf("first session shifted: %+v", p)
	}
	pk(media.KindAudio, false, 5010, 0)
	pk(media.KindVideo, false, 5033, 33)
	// The source is published again; its timeline restarts at 0.
	c.newSession()
	if h := pk(media.KindVideo, true, 0, 0); h.DTS != 5033 {
		t.Fatalf("a header of the new session is at %d, want the last time 5033", h.DTS)
	}
	p := pk(media.KindVideo, false, 0, 66)
	if p.DTS != 5033+gap || p.PTS-p.DTS != 66 {
		t.Fatalf("new session starts at %d (cts %d), want %d (cts 66)", p.DTS, p.PTS-p.DTS, 5033+gap)
	}
	if q := pk(media.KindAudio, false, 20, 0); q.DTS != 5033+gap+20 {
		t.Fatalf("audio of the new session at %d", q.DTS)
	}
}
