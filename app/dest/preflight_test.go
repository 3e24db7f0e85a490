package dest

import (
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
)

func preflightDests() []Destination {
	return []Destination{
		{ID: "1", Name: "YT", Service: "youtube-rtmps", Server: "rtmps://a.rtmps.youtube.com:443/live2", Key: testKey, Enabled: true},
		{ID: "2", Name: "Twitch", Service: "twitch", Server: "rtmp://live.twitch.tv/app", Key: testKey, Enabled: true},
		{ID: "3", Name: "FB", Service: "facebook", Server: "rtmps://live-api-s.facebook.com:443/rtmp/", Key: testKey, Enabled: true},
	}
}

func assertQuiet(t *testing.T, ws []Warning) {
	t.Helper()
	if len(ws) != 0 {
		t.Errorf("want no warnings, got %+v", ws)
	}
}

// assertOne checks there is exactly one warning, for dest, containing want.
func assertOne(t *testing.T, ws []Warning, dest, want string) {
	t.Helper()
	if len(ws) != 1 || ws[0].Destination != dest || !strings.Contains(ws[0].Message, want) {
		t.Errorf("want one warning for %q containing %q, got %+v", dest, want, ws)
	}
}

func TestPreflightQuietWhenFine(t *testing.T) {
	assertQuiet(t, Preflight(program.DefaultOutput(), preflightDests(), 50_000_000))
	assertQuiet(t, Preflight(program.DefaultOutput(), preflightDests(), 0))
	assertQuiet(t, Preflight(program.DefaultOutput(), nil, 1_000_000))
}

// An HEVC program suits YouTube; Twitch and Facebook are told to choose
// H.264, and a custom server (whose codecs nobody knows) is left alone.
func TestPreflightVideoCodec(t *testing.T) {
	out := program.DefaultOutput()
	out.Codec, out.Encoder = program.CodecHEVC, "x265"
	ws := Preflight(out, preflightDests(), 0)
	if len(ws) != 2 || ws[0].Destination != "Twitch" || ws[1].Destination != "FB" {
		t.Fatalf("want warnings for Twitch and FB, got %+v", ws)
	}
	if want := "the video is HEVC; Twitch takes only H.264 over RTMP: choose H.264 in Encoding"; ws[0].Message != want {
		t.Errorf("got %q, want %q", ws[0].Message, want)
	}
	custom := []Destination{{ID: "4", Name: "Mine", Service: CustomServiceID, Server: "rtmp://example.org/live", Key: testKey, Enabled: true}}
	assertQuiet(t, Preflight(out, custom, 0))
	if got := codecNames(preflightDestsService(t, "youtube")); got != "H.264, HEVC and AV1" {
		t.Errorf("YouTube takes %q, want H.264, HEVC and AV1", got)
	}
}

func preflightDestsService(t *testing.T, id string) Service {
	t.Helper()
	s, ok := ServiceByID(id)
	if !ok {
		t.Fatalf("no service %q", id)
	}
	return s
}

func TestPreflightRTMPS(t *testing.T) {
	ds := preflightDests()[2:]
	ds[0].Server = "rtmp://live-api-s.facebook.com:80/rtmp/"
	assertOne(t, Preflight(program.DefaultOutput(), ds, 0), "FB", "Facebook Live needs RTMPS: use rtmps://live-api-s.facebook.com:443/rtmp/")
	ds[0].Server = "RTMPS://live-api-s.facebook.com:443/rtmp/"
	assertQuiet(t, Preflight(program.DefaultOutput(), ds, 0))
}

func TestPreflightKeyframeInterval(t *testing.T) {
	out := program.DefaultOutput()
	twitch := preflightDests()[1:2]
	out.KeyInt = 4 * time.Second
	assertOne(t, Preflight(out, twitch, 0), "Twitch", "the keyframe interval is 4s; Twitch wants 2s or less")

	yt := preflightDests()[:1]
	out.KeyInt = 3 * time.Second
	assertOne(t, Preflight(out, yt, 0), "YT", "the keyframe interval is 3s; YouTube (RTMPS) recommends 2s")
	out.KeyInt = 6 * time.Second
	assertOne(t, Preflight(out, yt, 0), "YT", "the keyframe interval is 6s; YouTube (RTMPS) wants 4s or less")

	custom := []Destination{{Name: "Relay", Service: "custom", Server: "rtmp://relay.example/live/k", Enabled: true}}
	out.KeyInt = 10 * time.Second
	assertQuiet(t, Preflight(out, custom, 0))

	out.KeyInt = 2 * time.Second
	assertQuiet(t, Preflight(out, preflightDests(), 0))
	out.KeyInt = time.Second
	assertQuiet(t, Preflight(out, preflightDests(), 0))
}

func TestPreflightVideoBitrate(t *testing.T) {
	out := program.DefaultOutput()
	twitch := preflightDests()[1:2]
	out.VideoBitrate = 8_000_000
	assertOne(t, Preflight(out, twitch, 0), "Twitch", "the video bitrate is 8000k; Twitch takes at most 6000k")
	out.VideoBitrate = 6_000_000
	assertQuiet(t, Preflight(out, twitch, 0))

	custom := []Destination{{Name: "Relay", Service: "custom", Server: "rtmp://relay.example/live/k", Enabled: true}}
	out.VideoBitrate = 50_000_000
	assertQuiet(t, Preflight(out, custom, 0))
}

func TestPreflightMissingKey(t *testing.T) {
	ds := preflightDests()[1:2]
	ds[0].Key = ""
	assertOne(t, Preflight(program.DefaultOutput(), ds, 0), "Twitch", "the stream key is missing: In the Twitch Creator Dashboard")

	custom := []Destination{{Name: "Relay", Service: "custom", Server: "rtmp://relay.example/live", Enabled: true}}
	assertOne(t, Preflight(program.DefaultOutput(), custom, 0), "Relay", "the stream key is missing")
	custom[0].Server = "rtmp://relay.example/live/" + testKey
	assertQuiet(t, Preflight(program.DefaultOutput(), custom, 0))
}

func TestPreflightUpload(t *testing.T) {
	out := program.DefaultOutput()
	out.VideoBitrate, out.AudioBitrate = 4_340_000, 160_000 // 4.5 Mb/s per destination
	ws := Preflight(out, preflightDests(), 8_000_000)
	assertOne(t, ws, "", "the destinations need 13500k together but the measured upload is 8000k")

	assertQuiet(t, Preflight(out, preflightDests(), 13_500_000))
	assertQuiet(t, Preflight(out, preflightDests(), 0))

	one := preflightDests()[:1]
	assertOne(t, Preflight(out, one, 3_210_987), "", "the stream needs 4500k but the measured upload is 3211k")

	// A disabled destination needs no bandwidth.
	ds := preflightDests()
	ds[1].Enabled, ds[2].Enabled = false, false
	assertQuiet(t, Preflight(out, ds, 8_000_000))
}

func TestPreflightSkipsDisabledDestinations(t *testing.T) {
	out := program.DefaultOutput()
	out.KeyInt, out.VideoBitrate = 8*time.Second, 20_000_000
	ds := preflightDests()
	for i := range ds {
		ds[i].Enabled = false
		ds[i].Key = ""
	}
	assertQuiet(t, Preflight(out, ds, 1_000_000))
}

func TestPreflightAllAtOnceAndNoKey(t *testing.T) {
	out := program.DefaultOutput()
	out.KeyInt, out.VideoBitrate = 8*time.Second, 20_000_000
	ds := preflightDests()
	ds[2].Server = "rtmp://live-api-s.facebook.com/rtmp/"
	ds[0].Name = "YT " + testKey // a key typed into the name is still masked
	ws := Preflight(out, ds, 1_000_000)
	// YT: keyint, bitrate; Twitch: keyint, bitrate; FB: rtmps, keyint, bitrate; the upload.
	if len(ws) != 8 {
		t.Fatalf("want 8 warnings, got %d: %+v", len(ws), ws)
	}
	if ws[len(ws)-1].Destination != "" {
		t.Errorf("the whole-output warning must come last: %+v", ws[len(ws)-1])
	}
	for _, w := range ws {
		if strings.Contains(w.Message, testKey) || strings.Contains(w.Destination, testKey) {
			t.Errorf("a warning shows the key: %+v", w)
		}
		if w.Message == "" || strings.Contains(w.Message, "\n") {
			t.Errorf("a warning is not one sentence: %q", w.Message)
		}
	}
}
