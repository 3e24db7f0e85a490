package ui

import (
	"sync"
	"time"
)

// readiness records when the window was shown and drew its first preview
// frame; the automation goroutine reads it.
type readiness struct {
	mu                 sync.Mutex
	start              time.Time // Options.Start; zero when unset
	shownAt, previewAt time.Time // zero until it happened
}

func (r *readiness) markShown(start time.Time) { r.mark(&r.shownAt, start) }

func (r *readiness) markFirstPreview(start time.Time) { r.mark(&r.previewAt, start) }

func (r *readiness) mark(at *time.Time, start time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if at.IsZero() {
		*at = time.Now()
		r.start = start
	}
}

// readyState is what /ready reports: whether the window is shown and drew
// a preview frame, how long after Options.Start (when set), and when, in
// Unix milliseconds, so that a test can measure from its own exec.
type readyState struct {
	Ready              bool     `json:"ready"`
	Shown              bool     `json:"shown"`
	FirstPreview       bool     `json:"first_preview"`
	ShownMS            *float64 `json:"shown_ms,omitempty"`
	FirstPreviewMS     *float64 `json:"first_preview_ms,omitempty"`
	ShownUnixMS        *float64 `json:"shown_unix_ms,omitempty"`
	FirstPreviewUnixMS *float64 `json:"first_preview_unix_ms,omitempty"`
}

func (r *readiness) state() readyState {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := readyState{Shown: !r.shownAt.IsZero(), FirstPreview: !r.previewAt.IsZero()}
	st.Ready = st.Shown && st.FirstPreview
	since := func(at time.Time) *float64 {
		if at.IsZero() || r.start.IsZero() {
			return nil
		}
		v := ms(at.Sub(r.start))
		return &v
	}
	unix := func(at time.Time) *float64 {
		if at.IsZero() {
			return nil
		}
		v := float64(at.UnixMicro()) / 1000
		return &v
	}
	st.ShownMS, st.FirstPreviewMS = since(r.shownAt), since(r.previewAt)
	st.ShownUnixMS, st.FirstPreviewUnixMS = unix(r.shownAt), unix(r.previewAt)
	return st
}
