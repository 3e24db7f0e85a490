package dest

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

// UploadBudget adds up what the live destinations need and what they get,
// and names the ones that keep falling behind. It lives under Studio.mu.
type UploadBudget struct {
	since map[string]time.Time // destination ID → first snapshot over behindQueue
}

// Apply adds up what the live destinations among dests need and what they
// send (bits per second), and returns one warning per destination that has
// been behind for behindFor. Its owner calls it from one goroutine at a time.
func (u *UploadBudget) Apply(dests []Status, out program.OutputConfig, now time.Time) (needed, measured float64, warns []Warning) {
	perDest := float64(out.VideoBitrate + out.AudioBitrate)
	limit := int(perDest / 8 * behindQueue.Seconds())
	seen := map[string]bool{}
	for _, d := range dests {
		if d.State != StateLive {
			continue
		}
		needed += perDest
		measured += d.Bitrate
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
			warns = append(warns, Warning{Destination: d.Name, Message: fmt.Sprintf(
				"%s is falling behind: %s of the stream are waiting to be sent; the upload may be too slow for this bitrate.",
				d.Name, waiting)})
		}
	}
	for id := range u.since {
		if !seen[id] {
			delete(u.since, id)
		}
	}
	return needed, measured, warns
}
