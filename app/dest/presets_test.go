package dest

import (
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"

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

// Every preset's limits are what pre-flight holds the output to: quiet at
// the limit, one sentence naming the service just above it; a preset that
// requires RTMPS warns about an rtmp:// server. (It replaces a test that
// compared the table with a copy of itself.)
func TestPresetLimitsAreEnforcedByPreflight(t *testing.T) {
	limited := 0
	for _, s := range Services() {
		if _, ok := ServiceByID(s.ID); !ok {
			t.Errorf("ServiceByID(%q) does not find a listed preset", s.ID)
		}
		d := Destination{ID: "1", Name: "D", Service: s.ID, Server: s.Server, Key: testKey, Enabled: true}
		if d.Server == "" {
			d.Server = "rtmps://ingest.example:443/app"
		}
		at := program.DefaultOutput()
		at.KeyInt = min(at.KeyInt, platformKeyInt)
		if s.MaxKeyInt > 0 {
			at.KeyInt = min(at.KeyInt, s.MaxKeyInt)
		}
		if s.MaxVideoBitrate > 0 {
			at.VideoBitrate = s.MaxVideoBitrate
		}
		if ws := Preflight(at, []Destination{d}, 0); len(ws) != 0 {
			t.Errorf("%s at its limits: %+v; want no warning", s.ID, ws)
		}
		if s.MaxVideoBitrate > 0 {
			limited++
			over := at
			over.VideoBitrate = s.MaxVideoBitrate + 1000
			if ws := Preflight(over, []Destination{d}, 0); len(ws) != 1 || !strings.Contains(ws[0].Message, s.Name) || !strings.Contains(ws[0].Message, "at most") {
				t.Errorf("%s above its bitrate limit: %+v; want one warning naming %s", s.ID, ws, s.Name)
			}
		}
		if s.MaxKeyInt > 0 {
			over := at
			over.KeyInt = s.MaxKeyInt + time.Second
			if ws := Preflight(over, []Destination{d}, 0); len(ws) != 1 || !strings.Contains(ws[0].Message, "keyframe interval") {
				t.Errorf("%s above its keyframe interval: %+v; want one warning", s.ID, ws)
			}
		}
		if s.RequiresRTMPS {
			plain := d
			plain.Server = "rtmp://ingest.example/app"
			if ws := Preflight(at, []Destination{plain}, 0); len(ws) != 1 || !strings.Contains(ws[0].Message, "RTMPS") {
				t.Errorf("%s over rtmp://: %+v; want one warning asking for RTMPS", s.ID, ws)
			}
		}
	}
	if limited < 3 {
		t.Errorf("%d presets with a bitrate limit; the platform presets (YouTube, Twitch, Facebook) have one", limited)
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
