package dest

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/seed7c1a73c4/onair/app/store"
)

const testKey = "live_123456789_AbCdEfGhIjKlMnOp"

func TestDestinationValidateAcceptsGoodOnes(t *testing.T) {
	good := []Destination{
		{Name: "My YouTube", Service: "youtube", Server: "rtmp://a.rtmp.youtube.com/live2", Key: testKey},
		{Name: "YT secure", Service: "youtube-rtmps", Server: "rtmps://a.rtmps.youtube.com:443/live2", Key: testKey},
		{Name: "Facebook", Service: "facebook", Server: "rtmps://live-api-s.facebook.com:443/rtmp/", Key: testKey},
		{Name: "Kick", Service: "kick", Server: "rtmps://abc.global-contribute.live-video.net:443/app", Key: testKey},
		{Name: "Relay", Service: "custom", Server: "rtmp://relay.example:1936/live", Key: testKey},
		{Name: "Key in URL", Service: "custom", Server: "rtmp://relay.example/live/" + testKey},
	}
	for _, d := range good {
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
}

func TestDestinationValidateFindsEachProblem(t *testing.T) {
	yt := "rtmp://a.rtmp.youtube.com/live2"
	tests := []struct {
		name string
		d    Destination
		want string
	}{
		{"no name", Destination{Service: "youtube", Server: yt, Key: testKey}, "has no name"},
		{"blank name", Destination{Name: "  ", Service: "youtube", Server: yt, Key: testKey}, "has no name"},
		{"unknown service", Destination{Name: "x", Service: "myspace", Server: yt, Key: testKey}, `unknown service "myspace"`},
		{"empty server", Destination{Name: "x", Service: "youtube", Key: testKey}, "the server URL is empty"},
		{"kick without server", Destination{Name: "x", Service: "kick", Key: testKey}, "Stream URL & Key"},
		{"http", Destination{Name: "x", Service: "custom", Server: "http://example.com/live", Key: testKey}, "must start with rtmp:// or rtmps://"},
		{"no host", Destination{Name: "x", Service: "custom", Server: "rtmp:///live", Key: testKey}, "not usable"},
		{"no app", Destination{Name: "x", Service: "custom", Server: "rtmp://example.com", Key: testKey}, "missing app name"},
		{"bad port", Destination{Name: "x", Service: "custom", Server: "rtmp://example.com:99999/live", Key: testKey}, "invalid port"},
		{"rtmp to facebook", Destination{Name: "x", Service: "facebook", Server: "rtmp://live-api-s.facebook.com:80/rtmp/", Key: testKey},
			"Facebook Live needs RTMPS: use rtmps://live-api-s.facebook.com:443/rtmp/"},
		{"rtmp to kick", Destination{Name: "x", Service: "kick", Server: "rtmp://ingest.example/app", Key: testKey}, "Kick needs RTMPS"},
		{"no key for twitch", Destination{Name: "x", Service: "twitch", Server: "rtmp://live.twitch.tv/app"}, "the stream key is empty: In the Twitch Creator Dashboard"},
		{"no key anywhere for custom", Destination{Name: "x", Service: "custom", Server: "rtmp://example.com/live"}, "put it in the key field or at the end of the URL"},
		{"space in the key", Destination{Name: "x", Service: "youtube", Server: yt, Key: "abcd-efgh ijkl-mnop"}, "the stream key has a space in it"},
		{"two keys pasted", Destination{Name: "x", Service: "youtube", Server: yt, Key: "abcd-efgh\nijkl-mnop"}, "the stream key has a tab, a line break"},
	}
	for _, tt := range tests {
		err := tt.d.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want a message containing %q", tt.name, err, tt.want)
		}
	}
}

func TestDestinationValidateListsEveryProblem(t *testing.T) {
	err := Destination{Service: "twitch", Server: "ftp://x"}.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 { // name, server, key
		t.Fatalf("want 3 sentences, got %d: %q", len(lines), lines)
	}
}

func TestDestinationValidateNeverShowsTheKey(t *testing.T) {
	bad := []Destination{
		{Service: "youtube", Server: "rtmp://a.rtmp.youtube.com/live2", Key: testKey},
		{Name: "x", Service: "facebook", Server: "rtmp://live-api-s.facebook.com/rtmp/" + testKey, Key: testKey},
		{Name: "x", Service: "custom", Server: "rtmp://example.com:99x/live/" + testKey, Key: testKey},
		{Name: "x", Service: "custom", Server: "http://example.com/live/" + testKey, Key: testKey},
		{Name: "x", Service: "custom", Server: "rtmp://user:" + testKey + "@example.com/live", Key: testKey},
		{Name: "x", Service: testKey, Server: "rtmp://example.com/live", Key: testKey},
		{Name: "x", Service: "custom", Server: "rtmps://" + testKey, Key: testKey},
		{Name: "x", Service: "custom", Server: "rtmp://[" + testKey + "]/live", Key: testKey},
	}
	for i, d := range bad {
		err := d.Validate()
		if err == nil {
			t.Errorf("%d: expected a problem", i)
			continue
		}
		if strings.Contains(err.Error(), testKey) {
			t.Errorf("%d: the message shows the key: %v", i, err)
		}
	}
}

func TestDestinationConfigAndMaskedKey(t *testing.T) {
	d := Destination{ID: "a", Name: "YT", Service: "youtube", Server: "rtmp://a.rtmp.youtube.com/live2", Key: testKey, Enabled: true}
	want := Config{Name: "YT", URL: "rtmp://a.rtmp.youtube.com/live2", Key: testKey}
	if got := d.Config(); got != want {
		t.Errorf("Config() = %+v, want %+v", got, want)
	}
	if got := d.MaskedKey(); got != store.Mask {
		t.Errorf("MaskedKey() = %q, want %q", got, store.Mask)
	}
	d.Key = ""
	if got := d.MaskedKey(); got != "" {
		t.Errorf("MaskedKey() without a key = %q", got)
	}
}

func TestNewDestinationID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if b, err := hex.DecodeString(id); err != nil || len(b) != 8 {
			t.Fatalf("ID %q is not 8 bytes of hex", id)
		}
		if seen[id] {
			t.Fatalf("duplicate ID %q", id)
		}
		seen[id] = true
	}
}
