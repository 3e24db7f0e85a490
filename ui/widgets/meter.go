package widgets

import (
	"image/color"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/capture"
)

// The meter's scale and zones, in dBFS.
const (
	meterFloor  = -60.0
	meterYellow = -18.0
	meterRed    = -6.0
	clipHold    = 1500 * time.Millisecond
)

// LevelMeter is an audio meter: per channel a bar for RMS (green, yellow
// and red zones on a −60..0 dBFS scale) and a tick for the peak, plus a CLIP
// light that stays lit for clipHold after a clipped buffer.
type LevelMeter struct {
	widget.BaseWidget
	now       func() time.Time
	compact   bool
	rms, peak []float64
	clipUntil time.Time
	clipLit   bool
}

// NewLevelMeter returns a meter that reads the time (for the CLIP hold)
// from now; a compact meter has thinner bars, for a tile.
func NewLevelMeter(now func() time.Time, compact bool) *LevelMeter {
	m := &LevelMeter{now: now, compact: compact}
	m.ExtendBaseWidget(m)
	return m
}

// SetLevels shows new levels; it refreshes only when something visible
// changed (including the CLIP light going out).
func (m *LevelMeter) SetLevels(l capture.Levels) {
	now := m.now()
	if l.Clipped {
		m.clipUntil = now.Add(clipHold)
	}
	lit := now.Before(m.clipUntil)
	if lit == m.clipLit && slices.Equal(l.RMS, m.rms) && slices.Equal(l.Peak, m.peak) {
		return
	}
	m.clipLit = lit
	m.rms, m.peak = slices.Clone(l.RMS), slices.Clone(l.Peak)
	m.Refresh()
}

// ClipLit reports whether the CLIP light is lit.
func (m *LevelMeter) ClipLit() bool { return m.clipLit }

// CreateRenderer implements fyne.Widget.
func (m *LevelMeter) CreateRenderer() fyne.WidgetRenderer {
	r := &meterRenderer{m: m, clipBg: canvas.NewRectangle(color.Transparent), clipText: canvas.NewText("CLIP", color.White)}
	r.clipText.TextStyle.Bold = true
	r.clipText.Alignment = fyne.TextAlignCenter
	r.clipBg.CornerRadius = 2
	r.Refresh()
	return r
}

// meterBar is one channel: track, three zone segments and a peak tick.
type meterBar struct {
	track, green, yellow, red, peak *canvas.Rectangle
}

type meterRenderer struct {
	m        *LevelMeter
	bars     []meterBar
	clipBg   *canvas.Rectangle
	clipText *canvas.Text
	objects  []fyne.CanvasObject
}

func (r *meterRenderer) channels() int { return max(1, len(r.m.rms), len(r.m.peak)) }

func (r *meterRenderer) sizes() (bar, gap, clipW float32) {
	if r.m.compact {
		return 4, 2, 30
	}
	return 8, 3, 40
}

func (r *meterRenderer) Layout(size fyne.Size) {
	bar, gap, clipW := r.sizes()
	n := float32(len(r.bars))
	width := size.Width - clipW - gap
	h := max(bar, (size.Height-(n-1)*gap)/n)
	top := (size.Height - (n*h + (n-1)*gap)) / 2
	at := func(db float64) float32 { return width * dbFrac(db) }
	for i, b := range r.bars {
		y := top + float32(i)*(h+gap)
		place(b.track, 0, y, width, h)
		rms, peak := meterFloor, meterFloor
		if i < len(r.m.rms) {
			rms = r.m.rms[i]
		}
		if i < len(r.m.peak) {
			peak = r.m.peak[i]
		}
		segment(b.green, at(meterFloor), at(min(rms, meterYellow)), y, h)
		segment(b.yellow, at(meterYellow), at(min(rms, meterRed)), y, h)
		segment(b.red, at(meterRed), at(rms), y, h)
		place(b.peak, max(0, at(peak)-1), y, 2, h)
		b.peak.Hidden = peak <= meterFloor
	}
	place(r.clipBg, size.Width-clipW, 0, clipW, size.Height)
	ts := r.clipText.MinSize()
	r.clipText.Move(fyne.NewPos(size.Width-clipW, (size.Height-ts.Height)/2))
	r.clipText.Resize(fyne.NewSize(clipW, ts.Height))
}

func (r *meterRenderer) MinSize() fyne.Size {
	bar, gap, clipW := r.sizes()
	n := float32(r.channels())
	h := max(n*bar+(n-1)*gap, r.clipText.MinSize().Height)
	if r.m.compact {
		return fyne.NewSize(60+clipW, h)
	}
	return fyne.NewSize(120+clipW, h)
}

func (r *meterRenderer) Refresh() {
	if n := r.channels(); n != len(r.bars) {
		r.bars = make([]meterBar, n)
		r.objects = r.objects[:0]
		for i := range r.bars {
			b := meterBar{canvas.NewRectangle(nil), canvas.NewRectangle(nil), canvas.NewRectangle(nil), canvas.NewRectangle(nil), canvas.NewRectangle(nil)}
			r.bars[i] = b
			r.objects = append(r.objects, b.track, b.green, b.yellow, b.red, b.peak)
		}
		r.objects = append(r.objects, r.clipBg, r.clipText)
	}
	th := r.m.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	for _, b := range r.bars {
		b.track.FillColor = th.Color(theme.ColorNameInputBackground, v)
		b.green.FillColor = th.Color(theme.ColorNameSuccess, v)
		b.yellow.FillColor = th.Color(theme.ColorNameWarning, v)
		b.red.FillColor = th.Color(theme.ColorNameError, v)
		b.peak.FillColor = th.Color(theme.ColorNameForeground, v)
	}
	r.clipText.TextSize = th.Size(theme.SizeNameCaptionText)
	if r.m.clipLit {
		r.clipBg.FillColor = th.Color(theme.ColorNameError, v)
		r.clipText.Color = th.Color(theme.ColorNameForegroundOnError, v)
	} else {
		r.clipBg.FillColor = th.Color(theme.ColorNameInputBackground, v)
		r.clipText.Color = th.Color(theme.ColorNameDisabled, v)
	}
	r.Layout(r.m.Size())
	canvas.Refresh(r.clipText)
	canvas.Refresh(r.m)
}

func (r *meterRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *meterRenderer) Destroy()                     {}

// dbFrac maps dBFS to 0..1 on the meter's scale.
func dbFrac(db float64) float32 {
	return float32(min(1, max(0, (db-meterFloor)/-meterFloor)))
}

func place(o fyne.CanvasObject, x, y, w, h float32) {
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(w, h))
}

// segment places a zone segment from x0 to x1, hiding it when empty.
func segment(o fyne.CanvasObject, x0, x1, y, h float32) {
	if x1 <= x0 {
		o.Hide()
		return
	}
	o.Show()
	place(o, x0, y, x1-x0, h)
}
