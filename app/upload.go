package app

import (
	"fmt"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
)

// A destination whose queue holds more than behindQueue of the program for
// behindFor is falling behind: its link cannot carry the stream.
const (
	behindQueue = 2 * time.Second
	behindFor   = 5 * time.Second
)

// uploadBudget adds up what the live destinations need and what they get,
// and names the ones that keep falling behind. It lives under Studio.mu.
type uploadBudget struct {
	since map[string]time.Time // destination ID → first snapshot over behindQueue
}

// apply fills snap's upload figures and appends one warning per
// destination that has been behind for behindFor (s.mu held).
func (u *uploadBudget) apply(snap *StudioSnapshot, out program.OutputConfig, now time.Time) {
	perDest := float64(out.VideoBitrate + out.AudioBitrate)
	limit := int(perDest / 8 * behindQueue.Seconds())
	seen := map[string]bool{}
	for _, d := range snap.Destinations {
		if d.State != StateLive {
			continue
		}
		snap.UploadNeeded += perDest
		snap.UploadMeasured += d.Bitrate
		if limit <= 0 || d.QueuedBytes <= limit {
			continue
		}
		seen[d.ID] = true
		if u.since == nil {
			u.since = map[string]time.Time{}
		}
		first, ok := u.since[d.ID]
		if !ok {
			u.since[d.ID] = now
			continue
		}
		if now.Sub(first) >= behindFor {
			waiting := time.Duration(float64(d.QueuedBytes*8) / perDest * float64(time.Second)).Round(100 * time.Millisecond)
			snap.Warnings = append(snap.Warnings, Warning{Destination: d.Name, Message: fmt.Sprintf(
				"%s is falling behind: %s of the stream are waiting to be sent; the upload may be too slow for this bitrate.",
				d.Name, waiting)})
		}
	}
	for id := range u.since {
		if !seen[id] {
			delete(u.since, id)
		}
	}
}
