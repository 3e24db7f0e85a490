package ui

import (
	"context"
	"image/color"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/ui/watchdog"
)

// Window is the studio window. NewWindow builds it, Show or ShowAndRun
// shows it and starts its goroutines (snapshot poller, 30 Hz preview
// ticker, stall watchdog, automation hook); Close, or the user closing the
// window, stops them all and ends every incoming-stream watcher.
//
// Widgets are only touched on the UI goroutine: in Fyne callbacks, or in
// functions the goroutines hand over with fyne.Do.
type Window struct {
	app      fyne.App
	win      fyne.Window
	s        Studio
	opts     Options
	log      *slog.Logger
	now      func() time.Time
	do       func(func()) // fyne.Do, or a test's UI loop
	services []dest.Service

	content  fyne.CanvasObject // everything but the min-size backdrop
	top      *topBar
	preview  *picture
	previewV *canvas.Image
	program  *programPanel
	scenes   *sceneEditor
	mixer    *mixerTab
	dests    *destinationsTab
	output   *outputTab
	server   *serverTab
	stats    *statsBar
	tabs     *container.AppTabs
	editor   *editor        // the open destination editor, if any
	nowhere  *nowhereDialog // the open "nowhere to send" dialog, if any
	about    string         // the text of the last About dialog shown

	// UI goroutine state.
	prev             app.StudioSnapshot
	applied          bool
	closed           bool
	winClosed        bool
	firstPreviewDone bool
	keyConsentAsked  bool

	ready readiness
	wd    *watchdog.Watchdog
	auto  *automation

	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	chDone    chan struct{} // closed by shutdown
	startOnce sync.Once
	closeOnce sync.Once

	latest      atomic.Pointer[app.StudioSnapshot] // newest polled snapshot not yet applied
	applyQueued atomic.Bool
	tickQueued  atomic.Bool
}

// NewWindow builds the studio window for s in a. Call it on the main
// goroutine before a.Run, or on the UI goroutine. It takes one snapshot to
// fill the widgets and starts nothing until Show.
func NewWindow(a fyne.App, s Studio, opts Options) *Window {
	return newWindow(a, s, opts, fyne.Do)
}

func newWindow(a fyne.App, s Studio, opts Options, do func(func())) *Window {
	opts = opts.withDefaults()
	w := &Window{app: a, s: s, opts: opts, log: opts.Log, now: opts.Clock, do: do, services: s.Services()}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	w.chDone = make(chan struct{})
	w.wd = watchdog.New(do)
	w.win = a.NewWindow("OnAir Studio")

	w.top = newTopBar(w)
	var previewObj fyne.CanvasObject
	w.preview, w.previewV, previewObj = w.newPreview()
	w.program = newProgramPanel(w)
	w.dests = newDestinationsTab(w)
	w.output = newOutputTab(w)
	w.server = newServerTab(w)
	w.scenes = newSceneEditor(w)
	w.mixer = newMixerTab(w)
	w.stats = newStatsBar()
	w.tabs = container.NewAppTabs(
		// Text only: with icons, five tabs no longer fit the smallest window.
		container.NewTabItem("Destinations", w.dests.obj),
		container.NewTabItem("Output", w.output.obj),
		container.NewTabItem("Local server", w.server.obj),
		container.NewTabItem("Scenes", w.scenes.obj),
		container.NewTabItem("Mixer", w.mixer.obj),
	)
	left := container.NewBorder(nil, w.program.obj, nil, nil, container.NewStack(previewObj, w.scenes.overlay))
	split := container.NewHSplit(left, w.tabs)
	split.Offset = 0.5
	w.content = container.NewBorder(w.top.obj, w.stats.obj, nil, nil, split)
	w.apply(s.Snapshot()) // before the first layout, so it lays out what is shown
	floor := canvas.NewRectangle(color.Transparent)
	floor.SetMinSize(opts.MinSize)
	w.win.SetContent(container.NewStack(floor, w.content))
	w.program.scenes.bindKeys(w.win.Canvas())
	w.win.Resize(opts.MinSize)
	w.win.SetMaster()
	w.win.SetOnClosed(func() {
		w.winClosed = true
		w.shutdown()
	})
	return w
}

// FyneWindow returns the underlying Fyne window.
func (w *Window) FyneWindow() fyne.Window { return w.win }

// Show shows the window and starts its goroutines.
func (w *Window) Show() {
	w.win.Show()
	w.start()
}

// ShowAndRun shows the window and runs the app until it quits; then it
// makes sure everything the window started has stopped.
func (w *Window) ShowAndRun() {
	w.Show()
	w.app.Run()
	w.shutdown()
}

// Close stops the window's goroutines and watchers and closes the window
// (which, as the master window, quits the app). It may be called from any
// goroutine and more than once: it hands the work to the UI goroutine and
// returns at once; Done is closed when everything has stopped.
func (w *Window) Close() {
	w.do(func() {
		w.shutdown()
		if !w.winClosed {
			w.winClosed = true
			w.win.Close()
		}
	})
}

// Done is closed once the window has stopped its goroutines and watchers.
func (w *Window) Done() <-chan struct{} { return w.chDone }

// Stalls returns what the UI stall watchdog has measured.
func (w *Window) Stalls() StallStats { return w.wd.Stats() }

// StallStats is what the UI stall watchdog measured (see Window.Stalls).
type StallStats = watchdog.StallStats

// Stall is one late probe of the UI stall watchdog.
type Stall = watchdog.Stall

// AutomationAddr returns the address the automation hook listens on, or
// "" when it is not serving.
func (w *Window) AutomationAddr() string {
	if w.auto == nil {
		return ""
	}
	return w.auto.addr()
}

// shutdown stops everything the window started (UI goroutine).
func (w *Window) shutdown() {
	w.closeOnce.Do(func() {
		w.closed = true
		w.cancel()
		if w.auto != nil {
			w.auto.close()
		}
		w.wg.Wait()
		w.server.tiles.stopAll()
		close(w.chDone)
	})
}

// apply shows a snapshot (UI goroutine). Each part compares with what it
// shows and touches only what changed.
func (w *Window) apply(snap app.StudioSnapshot) {
	if w.closed {
		return
	}
	prev, first := w.prev, !w.applied
	w.top.update(snap)
	w.program.update(snap, prev, first)
	w.scenes.overlay.setAspect(snap.Output.Width, snap.Output.Height)
	w.mixer.update(snap)
	w.dests.update(snap)
	w.output.update(snap, prev, first)
	w.server.update(snap)
	w.stats.update(snap)
	w.prev, w.applied = snap, true
}

// service finds a preset by ID.
func (w *Window) service(id string) (dest.Service, bool) {
	for _, s := range w.services {
		if s.ID == id {
			return s, true
		}
	}
	return dest.Service{}, false
}

// serviceName is the preset's name, or the ID when it is unknown.
func (w *Window) serviceName(id string) string {
	if s, ok := w.service(id); ok {
		return s.Name
	}
	return id
}
