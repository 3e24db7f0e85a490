package watchdog

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// uiLoop stands in for the UI goroutine: one goroutine runs what is
// posted, in order.
type uiLoop chan func()

func newUILoop(t *testing.T) uiLoop {
	l := make(uiLoop, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range l {
			f()
		}
	}()
	t.Cleanup(func() {
		close(l)
		<-done
	})
	return l
}

// post queues f without waiting, like fyne.Do.
func (l uiLoop) post(f func()) { l <- f }

// run runs f on the loop and waits, like fyne.DoAndWait.
func (l uiLoop) run(f func()) {
	done := make(chan struct{})
	l.post(func() {
		defer close(done)
		f()
	})
	<-done
}

func TestWatchdogCountsOneStall(t *testing.T) {
	ui := newUILoop(t)
	wd := New(ui.post)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		wd.Run(ctx)
	}()
	testpeer.WaitFor(t, 5*time.Second, "first probes", func() bool { return wd.Stats().Samples >= 3 })
	ui.run(func() { time.Sleep(120 * time.Millisecond) }) // a callback that blocks
	n := wd.Stats().Samples
	testpeer.WaitFor(t, 5*time.Second, "probes after the block", func() bool { return wd.Stats().Samples >= n+3 })
	cancel()
	<-done

	st := wd.Stats()
	if st.Count != 1 {
		t.Errorf("stalls = %d, want 1 (%+v)", st.Count, st)
	}
	if st.MaxMS < 95 || st.MaxMS > 1000 {
		t.Errorf("max = %.1f ms, want about 100–120", st.MaxMS)
	}
}

func TestWatchdogStopsWithoutUI(t *testing.T) {
	wd := New(func(func()) {}) // a UI that never runs anything
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		wd.Run(ctx)
	}()
	time.Sleep(3 * probeInterval)
	cancel()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("the watchdog did not stop while its probe was pending")
	}
}

// The window's own long runs are counted apart from late probes, and the
// recent list keeps only the last stalls.
func TestWatchdogOwnWorkAndRecent(t *testing.T) {
	wd := New(func(f func()) { f() })
	wd.TimeApply(func() { time.Sleep(60 * time.Millisecond) })
	wd.TimeTick(func() {})
	t0 := time.Now()
	wd.started = t0
	for i := range recentStalls + 5 {
		wd.record(t0.Add(time.Duration(i)*time.Second), 70*time.Millisecond)
	}
	wd.record(t0, 10*time.Millisecond)
	wd.record(t0, 300*time.Millisecond)
	st := wd.Stats()
	if st.OwnStalls != 1 || st.ApplyMaxMS < 60 || st.TickMaxMS > 50 {
		t.Errorf("own work: %+v; want 1 own stall, apply ≥ 60 ms, tick short", st)
	}
	if st.Count != recentStalls+6 || st.Samples != recentStalls+7 || st.Freezes != 1 || len(st.Recent) != recentStalls {
		t.Errorf("count %d samples %d freezes %d recent %d", st.Count, st.Samples, st.Freezes, len(st.Recent))
	}
	if first := st.Recent[0].AtMS; first != 6000 {
		t.Errorf("oldest kept stall at %.0f ms; want 6000", first)
	}
}

// Own time counts a callback that blocks, and is never more than the wall time.
func TestOwnTimeCountsBlocking(t *testing.T) {
	t0 := time.Now()
	d := ownTime(func() { time.Sleep(60 * time.Millisecond) })
	if wall := time.Since(t0); d < 55*time.Millisecond || d > wall {
		t.Errorf("own time of a 60 ms sleep = %v (wall %v), want 55 ms to the wall time", d, wall)
	}
	if runtime.GOOS == "linux" {
		if b, err := os.ReadFile("/proc/thread-self/schedstat"); err != nil || len(bytes.Fields(b)) < 2 {
			t.Errorf("the UI thread's run-queue wait cannot be read (%v, %q): own time would include the scheduler's", err, b)
		}
	}
}
