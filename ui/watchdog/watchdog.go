// Package watchdog measures how long the UI goroutine keeps what is
// handed to it waiting (stalls), and how long the window's own work on it
// ran, less the time the kernel kept that thread waiting for a CPU.
package watchdog

import (
	"context"
	"sync"
	"time"
)

// The watchdog's probe period, what counts as a stall, and what counts as
// a freeze anyone would see.
const (
	probeInterval   = 20 * time.Millisecond
	stallThreshold  = 50 * time.Millisecond
	freezeThreshold = 250 * time.Millisecond
)

// StallStats is what the UI stall watchdog measured: how many probes ran
// more than 50 ms late, the latest one, how many probes ran, and the last
// stalls (at most recentStalls) for finding their cause.
type StallStats struct {
	Count   int     `json:"count"`
	Freezes int     `json:"freezes"` // probes 250 ms late or more
	MaxMS   float64 `json:"max_ms"`
	Samples int     `json:"samples"`
	Recent  []Stall `json:"recent,omitempty"`
	// ApplyMaxMS and TickMaxMS are the longest the window's own work ran
	// on the UI goroutine: applying a snapshot, and copying frames in;
	// OwnStalls counts the runs of either that took over 50 ms. These are
	// the time our code ran or blocked, not counting the time the kernel
	// kept the UI thread waiting for a CPU (Linux). A stall that is not
	// one of these came from elsewhere (painting, the scheduler).
	ApplyMaxMS float64 `json:"apply_max_ms"`
	TickMaxMS  float64 `json:"tick_max_ms"`
	OwnStalls  int     `json:"own_stalls"`
}

// Stall is one late probe: when it was handed over, in milliseconds since
// the watchdog started, and how late it ran.
type Stall struct {
	AtMS   float64 `json:"at_ms"`
	LateMS float64 `json:"late_ms"`
}

// recentStalls bounds StallStats.Recent.
const recentStalls = 32

// Watchdog measures how late the UI goroutine runs what is handed to it:
// every 20 ms it hands over a timestamped probe and waits for it, so one
// long block counts as one stall however long it lasts.
type Watchdog struct {
	do func(func())

	mu      sync.Mutex
	started time.Time
	count   int
	max     time.Duration
	samples int
	freezes int
	recent  []Stall
	apply   time.Duration
	tick    time.Duration
	own     int
}

// TimeApply runs f, the window applying a snapshot, on the calling (UI)
// goroutine, and keeps its time for StallStats.ApplyMaxMS.
func (wd *Watchdog) TimeApply(f func()) { wd.timed(&wd.apply, f) }

// TimeTick runs f, the window copying frames in, on the calling (UI)
// goroutine, and keeps its time for StallStats.TickMaxMS.
func (wd *Watchdog) TimeTick(f func()) { wd.timed(&wd.tick, f) }

// timed runs f, keeps its longest own time (see ownTime) in *longest,
// and counts a run over 50 ms as the window's own stall.
func (wd *Watchdog) timed(longest *time.Duration, f func()) {
	d := ownTime(f)
	wd.mu.Lock()
	*longest = max(*longest, d)
	if d > stallThreshold {
		wd.own++
	}
	wd.mu.Unlock()
}

// New returns a watchdog that hands its probes to the UI goroutine with do
// (fyne.Do). It probes once Run runs.
func New(do func(func())) *Watchdog { return &Watchdog{do: do} }

// Run probes until ctx ends.
func (wd *Watchdog) Run(ctx context.Context) {
	wd.mu.Lock()
	wd.started = time.Now()
	wd.mu.Unlock()
	t := time.NewTicker(probeInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sent := time.Now()
		done := make(chan struct{})
		wd.do(func() {
			wd.record(sent, time.Since(sent))
			close(done)
		})
		select {
		case <-done:
		case <-ctx.Done():
			return
		}
	}
}

func (wd *Watchdog) record(sent time.Time, late time.Duration) {
	wd.mu.Lock()
	defer wd.mu.Unlock()
	wd.samples++
	if late >= freezeThreshold {
		wd.freezes++
	}
	if late > stallThreshold {
		wd.count++
		if len(wd.recent) == recentStalls {
			wd.recent = append(wd.recent[:0], wd.recent[1:]...)
		}
		wd.recent = append(wd.recent, Stall{AtMS: ms(sent.Sub(wd.started)), LateMS: ms(late)})
	}
	wd.max = max(wd.max, late)
}

// Stats returns what the watchdog has measured so far.
func (wd *Watchdog) Stats() StallStats {
	wd.mu.Lock()
	defer wd.mu.Unlock()
	return StallStats{Count: wd.count, MaxMS: ms(wd.max), Samples: wd.samples, Freezes: wd.freezes, Recent: append([]Stall(nil), wd.recent...),
		ApplyMaxMS: ms(wd.apply), TickMaxMS: ms(wd.tick), OwnStalls: wd.own}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
