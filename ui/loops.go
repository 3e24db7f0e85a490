package ui

import (
	"context"
	"time"
)

// The window's refresh rates.
const (
	pollInterval = 200 * time.Millisecond // snapshot polls, 5 a second
	tickInterval = time.Second / 30       // preview and tile frames
)

// start launches the window's goroutines once.
func (w *Window) start() {
	w.startOnce.Do(func() {
		if w.opts.Automation != "" {
			a, err := startAutomation(w, w.opts.Automation)
			if err != nil {
				w.log.Error("automation hook not started", "addr", w.opts.Automation, "err", err)
			} else {
				w.auto = a
				w.goLoop(a.serve)
				w.log.Info("automation hook listening", "addr", a.addr())
			}
		}
		w.goLoop(w.pollLoop)
		w.goLoop(w.tickLoop)
		w.goLoop(w.wd.Run)
		w.do(func() {
			if w.closed {
				return
			}
			w.ready.markShown(w.opts.Start)
			if w.opts.OnShown != nil {
				w.opts.OnShown()
			}
		})
	})
}

// goLoop runs f on a goroutine the window waits for when it closes.
func (w *Window) goLoop(f func(ctx context.Context)) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		f(w.ctx)
	}()
}

// every runs f each interval until ctx ends; f returning false stops it.
func every(ctx context.Context, interval time.Duration, f func() bool) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !f() {
			return
		}
	}
}

// pollLoop takes snapshots off the UI goroutine and hands the newest to it.
// At most one apply is queued: a slow UI skips stale snapshots.
func (w *Window) pollLoop(ctx context.Context) {
	every(ctx, pollInterval, func() bool {
		snap := w.s.Snapshot()
		w.latest.Store(&snap)
		if w.applyQueued.CompareAndSwap(false, true) {
			w.do(func() {
				w.applyQueued.Store(false)
				if s := w.latest.Swap(nil); s != nil {
					w.wd.TimeApply(func() { w.apply(*s) })
				}
			})
		}
		return true
	})
}

// tickLoop asks the UI goroutine to copy new frames 30 times a second; the
// copy itself happens there, so the renderer never reads a buffer being
// written. At most one tick is queued.
func (w *Window) tickLoop(ctx context.Context) {
	every(ctx, tickInterval, func() bool {
		if w.tickQueued.CompareAndSwap(false, true) {
			w.do(func() {
				w.tickQueued.Store(false)
				w.wd.TimeTick(w.tick)
			})
		}
		return true
	})
}
