package dest

import (
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
)

// The budget adds up the live destinations and warns, by name, about one
// whose queue has held more than 2 s of the stream for 5 s — and only then.
func TestUploadBudget(t *testing.T) {
	out := program.OutputConfig{VideoBitrate: 4_000_000, AudioBitrate: 160_000} // 520 kB/s
	type result struct {
		UploadNeeded, UploadMeasured float64
		Warnings                     []Warning
	}
	snapAt := func(u *UploadBudget, now time.Time, queued int) result {
		dests := []Status{
			{ID: "yt", Name: "YouTube", State: StateLive, Bitrate: 4_100_000},
			{ID: "tw", Name: "Twitch", State: StateLive, Bitrate: 2_000_000, QueuedBytes: queued},
			{ID: "fb", Name: "Facebook", State: StateReconnecting, QueuedBytes: 1 << 30},
		}
		var r result
		r.UploadNeeded, r.UploadMeasured, r.Warnings = u.Apply(dests, out, now)
		return r
	}
	var u UploadBudget
	t0 := time.Unix(1000, 0)
	s := snapAt(&u, t0, 2_000_000) // about 3.8 s waiting
	if s.UploadNeeded != 8_320_000 || s.UploadMeasured != 6_100_000 || len(s.Warnings) != 0 {
		t.Fatalf("first look: needed %.0f measured %.0f warnings %v", s.UploadNeeded, s.UploadMeasured, s.Warnings)
	}
	if s = snapAt(&u, t0.Add(4*time.Second), 2_000_000); len(s.Warnings) != 0 {
		t.Errorf("warned after 4 s: %v", s.Warnings)
	}
	s = snapAt(&u, t0.Add(5*time.Second), 2_500_000)
	if len(s.Warnings) != 1 || s.Warnings[0].Destination != "Twitch" || !strings.Contains(s.Warnings[0].Message, "4.8s of the stream are waiting") {
		t.Errorf("after 5 s: %+v", s.Warnings)
	}
	if s = snapAt(&u, t0.Add(6*time.Second), 100_000); len(s.Warnings) != 0 {
		t.Errorf("warned after the queue drained: %v", s.Warnings)
	}
	if s = snapAt(&u, t0.Add(7*time.Second), 2_000_000); len(s.Warnings) != 0 {
		t.Errorf("a new backlog warned at once: %v", s.Warnings)
	}
}
