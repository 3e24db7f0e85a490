package app

import (
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/rtmp"
)

func TestServicesAreConsistent(t *testing.T) {
	seen := map[string]bool{}
	list := Services()
	if len(list) == 0 || list[len(list)-1].ID != CustomServiceID {
		t.Fatalf("custom must come last: %+v", list)
	}
	for _, s := range list {
		if s.ID == "" || s.Name == "" || s.KeyHelp == "" {
			t.Errorf("%q: ID, Name and KeyHelp must be set", s.ID)
		}
		if seen[s.ID] {
			t.Errorf("duplicate ID %q", s.ID)
		}
		seen[s.ID] = true
		if !strings.HasSuffix(s.KeyHelp, ".") {
			t.Errorf("%s: KeyHelp is not a sentence: %q", s.ID, s.KeyHelp)
		}
		if s.Server != "" {
			tg, err := rtmp.ParseTarget(s.Server, "somekey")
			if err != nil {
				t.Errorf("%s: server %q does not parse: %v", s.ID, s.Server, err)
				continue
			}
			if s.RequiresRTMPS && tg.Scheme != "rtmps" {
				t.Errorf("%s requires RTMPS but its server is %s", s.ID, s.Server)
			}
		}
		if s.MaxVideoBitrate < 0 || s.MaxKeyInt < 0 {
			t.Errorf("%s: negative limit", s.ID)
		}
	}
	for _, id := range []string{"youtube", "youtube-rtmps", "twitch", "facebook", "kick", "custom"} {
		if !seen[id] {
			t.Errorf("missing preset %q", id)
		}
	}
	// A new destination starts on the first preset: it must be RTMPS, as
	// every platform preset with a server but plain YouTube RTMP is.
	if list[0].ID != "youtube-rtmps" {
		t.Errorf("the first preset is %q; want YouTube over RTMPS", list[0].ID)
	}
	for _, s := range list {
		if s.Server != "" && s.ID != "youtube" && !strings.HasPrefix(s.Server, "rtmps://") {
			t.Errorf("%s: server %s is not RTMPS", s.ID, s.Server)
		}
	}
}

func TestServicePresetValues(t *testing.T) {
	tests := []struct {
		id      string
		server  string
		rtmps   bool
		maxRate int
		maxKey  time.Duration
	}{
		{"youtube", "rtmp://a.rtmp.youtube.com/live2", false, 12_000_000, 4 * time.Second},
		{"youtube-rtmps", "rtmps://a.rtmps.youtube.com:443/live2", true, 12_000_000, 4 * time.Second},
		{"twitch", "rtmps://live.twitch.tv:443/app", false, 6_000_000, 2 * time.Second},
		{"facebook", "rtmps://live-api-s.facebook.com:443/rtmp/", true, 9_000_000, 4 * time.Second},
		{"kick", "", true, 0, 0},
		{"custom", "", false, 0, 0},
	}
	for _, tt := range tests {
		s, ok := ServiceByID(tt.id)
		if !ok {
			t.Errorf("ServiceByID(%q) not found", tt.id)
			continue
		}
		if s.Server != tt.server || s.RequiresRTMPS != tt.rtmps || s.MaxVideoBitrate != tt.maxRate || s.MaxKeyInt != tt.maxKey {
			t.Errorf("%s = %+v", tt.id, s)
		}
	}
	if _, ok := ServiceByID("myspace"); ok {
		t.Error("ServiceByID found an unknown ID")
	}
}

func TestServicesReturnsACopy(t *testing.T) {
	list := Services()
	list[0].Server = "rtmp://evil.example/app"
	if s, _ := ServiceByID(list[0].ID); s.Server == "rtmp://evil.example/app" {
		t.Fatal("changing the returned slice changed the presets")
	}
}
