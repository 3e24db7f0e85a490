package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// automation is the end-to-end test hook, served on a loopback address
// (Options.Automation, e.g. "127.0.0.1:7070"; other hosts are refused):
//
//	POST /tap?name=NAME       taps the widget a user would, on the UI goroutine
//	                          (its Tapped method), and replies once it ran.
//	                          NAME: golive (or stop: the same button),
//	                          reconnect:<destination ID>, show-in-scene:<stream>
//	                          (a tile's button), apply-output, record
//	                          (or stop recording: the same button), use-port
//	                          (the Local server tab's free port, when shown),
//	                          open-folder (after a recording),
//	                          tab:destinations|output|server|scenes|mixer (selects the tab).
//	                          404 unknown name, 409 hidden or disabled.
//	GET  /geometry?name=NAME  {"x","y","w","h"} of preview or tile:<stream>
//	                          in window pixels (position × canvas scale), and
//	                          "picture": the letterboxed picture inside it;
//	                          also hint:destinations (the destinations tab's
//	                          hint, with its "text"), and dialog:nowhere (the
//	                          "text" of the dialog Go Live opens when it has
//	                          nowhere to send; no place).
//	GET  /stalls              {"count","max_ms","samples","recent"} of the
//	                          watchdog.
//	GET  /frames              {"preview": N, "tiles": {stream: N}}: frames
//	                          copied into each picture so far, for fps.
//	GET  /ready               200 once the window is shown and the first
//	                          preview frame was drawn, else 503; with
//	                          shown_ms and first_preview_ms since
//	                          Options.Start when it is set, and both
//	                          instants as *_unix_ms.
type automation struct {
	w   *Window
	ln  net.Listener
	srv *http.Server
}

// uiTimeout bounds how long a request waits for the UI goroutine.
const uiTimeout = 5 * time.Second

func startAutomation(w *Window, addr string) (*automation, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("automation address %q: use 127.0.0.1:PORT", addr)
	}
	if ip, err := netip.ParseAddr(host); err != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("automation address %q is not a loopback address: use 127.0.0.1:PORT", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("automation hook: %w", err)
	}
	a := &automation{w: w, ln: ln}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /tap", a.tap)
	mux.HandleFunc("GET /geometry", a.geometry)
	mux.HandleFunc("GET /stalls", func(rw http.ResponseWriter, _ *http.Request) { reply(rw, http.StatusOK, w.Stalls()) })
	mux.HandleFunc("GET /ready", a.readyz)
	mux.HandleFunc("GET /frames", a.frames)
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return a, nil
}

func (a *automation) addr() string { return a.ln.Addr().String() }

// serve runs until close.
func (a *automation) serve(context.Context) {
	if err := a.srv.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.w.log.Error("automation hook stopped", "err", err)
	}
}

func (a *automation) close() { _ = a.srv.Close() }

// onUI runs f on the UI goroutine and waits for it.
func (a *automation) onUI(f func()) bool {
	done := make(chan struct{})
	a.w.do(func() {
		defer close(done)
		if !a.w.closed {
			f()
		}
	})
	select {
	case <-done:
		return true
	case <-a.w.ctx.Done():
	case <-time.After(uiTimeout):
	}
	return false
}

func (a *automation) tap(rw http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	code, msg := http.StatusOK, "tapped"
	ran := a.onUI(func() {
		if tab, ok := strings.CutPrefix(name, "tab:"); ok {
			if !a.w.selectTab(tab) {
				code, msg = http.StatusNotFound, "no such tab"
			}
			return
		}
		b := a.w.button(name)
		switch {
		case b == nil:
			code, msg = http.StatusNotFound, "no such widget"
		case !b.Visible() || b.Disabled():
			code, msg = http.StatusConflict, "widget is hidden or disabled"
		default:
			b.Tapped(&fyne.PointEvent{})
		}
	})
	if !ran {
		code, msg = http.StatusServiceUnavailable, "the UI did not answer"
	}
	reply(rw, code, map[string]string{"name": name, "result": msg})
}

// button finds a tappable by its automation name (UI goroutine).
func (w *Window) button(name string) *widget.Button {
	switch {
	case name == "golive" || name == "stop":
		return w.top.goLive
	case name == "apply-output":
		return w.output.apply
	case name == "record":
		return w.top.record
	case name == "use-port": // the Local server tab's "Use port N"
		return w.server.usePort
	case name == "open-folder": // after a recording
		return w.top.openFolder
	case strings.HasPrefix(name, "reconnect:"):
		if r := w.dests.rows[strings.TrimPrefix(name, "reconnect:")]; r != nil {
			return r.reconnect
		}
	case strings.HasPrefix(name, "show-in-scene:"):
		if t := w.server.tiles.tiles[strings.TrimPrefix(name, "show-in-scene:")]; t != nil {
			return t.show
		}
	}
	return nil
}

// tabNames are the automation names of the tabs, in their order.
var tabNames = []string{"destinations", "output", "server", "scenes", "mixer"}

// selectTab shows the named tab, as a tap on its header would (UI goroutine).
func (w *Window) selectTab(name string) bool {
	for i, n := range tabNames {
		if n == name && i < len(w.tabs.Items) {
			w.tabs.SelectIndex(i)
			return true
		}
	}
	return false
}

// rect is a rectangle in window pixels.
type rect struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

type geometryReply struct {
	rect
	Picture rect   `json:"picture"`
	Text    string `json:"text,omitempty"`
}

// placeOf is obj's place in window pixels.
func (w *Window) placeOf(obj fyne.CanvasObject) geometryReply {
	return geometryReply{rect: w.pixels(w.app.Driver().AbsolutePositionForObject(obj), obj.Size())}
}

// pixels turns a canvas position and size into window pixels (× the
// canvas scale, rounded).
func (w *Window) pixels(pos fyne.Position, size fyne.Size) rect {
	scale := w.win.Canvas().Scale()
	px := func(v float32) int { return int(v*scale + 0.5) }
	return rect{px(pos.X), px(pos.Y), px(size.Width), px(size.Height)}
}

func (a *automation) geometry(rw http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	var g geometryReply
	found := false
	ran := a.onUI(func() {
		if name == "hint:destinations" {
			if h := a.w.dests.hint; h.Visible() {
				found = true
				g = a.w.placeOf(h)
				g.Text = h.Text
			}
			return
		}
		if name == "dialog:nowhere" { // Go Live with nowhere to send
			if nd := a.w.nowhere; nd != nil {
				found = true
				g.Text = nd.msg
			}
			return
		}
		var img *canvas.Image
		if name == "preview" {
			img = a.w.previewV
		} else if t := a.w.server.tiles.tiles[strings.TrimPrefix(name, "tile:")]; strings.HasPrefix(name, "tile:") && t != nil {
			img = t.view.img
		}
		if img == nil || !img.Visible() {
			return
		}
		found = true
		g = a.w.geometryOf(img)
	})
	switch {
	case !ran:
		reply(rw, http.StatusServiceUnavailable, map[string]string{"error": "the UI did not answer"})
	case !found:
		reply(rw, http.StatusNotFound, map[string]string{"error": "no such widget shown: " + name})
	default:
		reply(rw, http.StatusOK, g)
	}
}

// geometryOf is img's place in window pixels, and its contained picture's.
func (w *Window) geometryOf(img *canvas.Image) geometryReply {
	pos := w.app.Driver().AbsolutePositionForObject(img)
	size := img.Size()
	g := geometryReply{rect: w.pixels(pos, size)}
	pw, ph := size.Width, size.Height
	if b := img.Image; b != nil && b.Bounds().Dy() > 0 && size.Height > 0 {
		aspect := float32(b.Bounds().Dx()) / float32(b.Bounds().Dy())
		if size.Width/size.Height > aspect {
			pw = size.Height * aspect
		} else {
			ph = size.Width / aspect
		}
	}
	g.Picture = w.pixels(fyne.NewPos(pos.X+(size.Width-pw)/2, pos.Y+(size.Height-ph)/2), fyne.NewSize(pw, ph))
	return g
}

// frameCounts is what /frames reports.
type frameCounts struct {
	Preview uint64            `json:"preview"`
	Tiles   map[string]uint64 `json:"tiles"`
}

func (a *automation) frames(rw http.ResponseWriter, _ *http.Request) {
	fc := frameCounts{Tiles: map[string]uint64{}}
	if !a.onUI(func() {
		fc.Preview = a.w.preview.frames
		for name, t := range a.w.server.tiles.tiles {
			fc.Tiles[name] = t.pic.frames
		}
	}) {
		reply(rw, http.StatusServiceUnavailable, map[string]string{"error": "the UI did not answer"})
		return
	}
	reply(rw, http.StatusOK, fc)
}

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
		v := float64(at.Sub(r.start)) / float64(time.Millisecond)
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

func (a *automation) readyz(rw http.ResponseWriter, _ *http.Request) {
	st := a.w.ready.state()
	code := http.StatusOK
	if !st.Ready {
		code = http.StatusServiceUnavailable
	}
	reply(rw, code, st)
}

func reply(rw http.ResponseWriter, code int, v any) {
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	_ = json.NewEncoder(rw).Encode(v)
}
