package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app/scene"
)

// snapWithin is how close (a fraction of the canvas) an edge or the centre
// of a dragged layer must come to the canvas' edge or centre to snap to it.
const snapWithin = 0.02

// handleSize is the side of the resize handle at a layer's bottom-right
// corner, in window units.
const handleSize = 14

// layerOverlay sits over the preview and shows the layer selected in the
// Scenes tab as a frame: dragging inside it moves the layer, dragging its
// corner handle resizes it, and edges and centres snap to the canvas'
// edges and centre. When the drag ends, the edit is applied.
type layerOverlay struct {
	widget.BaseWidget
	e        *sceneEditor
	aspect   float64 // the output's width over height
	resizing bool
	dragged  bool
	start    scene.Box // the layer's place when the drag began
	moved    fyne.Delta
}

func newLayerOverlay(e *sceneEditor) *layerOverlay {
	o := &layerOverlay{e: e, aspect: 16.0 / 9}
	o.ExtendBaseWidget(o)
	o.Hide()
	return o
}

// setAspect follows the output's picture shape.
func (o *layerOverlay) setAspect(w, h int) {
	if w > 0 && h > 0 && math.Abs(float64(w)/float64(h)-o.aspect) > 1e-6 {
		o.aspect = float64(w) / float64(h)
		o.Refresh()
	}
}

// follow shows the overlay for the selected layer, or hides it.
func (o *layerOverlay) follow() {
	if o.e.layer() == nil {
		o.Hide()
		return
	}
	o.Show()
	o.Refresh()
}

// picture returns where the preview shows the canvas inside the overlay
// (the picture is fitted, with black bars).
func (o *layerOverlay) picture() (pos fyne.Position, size fyne.Size) {
	return fitRect(o.Size(), o.aspect)
}

// frame returns the selected layer's place in overlay coordinates.
func (o *layerOverlay) frame(b scene.Box) (fyne.Position, fyne.Size) {
	p, s := o.picture()
	return fyne.NewPos(p.X+float32(b.X)*s.Width, p.Y+float32(b.Y)*s.Height),
		fyne.NewSize(float32(b.W)*s.Width, float32(b.H)*s.Height)
}

// Dragged moves or resizes the layer by the drag so far, snapped.
func (o *layerOverlay) Dragged(ev *fyne.DragEvent) {
	l := o.e.layer()
	if l == nil {
		return
	}
	if !o.dragged {
		o.dragged, o.start, o.moved = true, l.Place, fyne.Delta{}
		pos, size := o.frame(l.Place)
		at := ev.Position.Subtract(ev.Dragged)
		o.resizing = at.X >= pos.X+size.Width-handleSize && at.Y >= pos.Y+size.Height-handleSize
	}
	o.moved = fyne.NewDelta(o.moved.DX+ev.Dragged.DX, o.moved.DY+ev.Dragged.DY)
	_, pic := o.picture()
	if pic.Width <= 0 || pic.Height <= 0 {
		return
	}
	dx, dy := float64(o.moved.DX/pic.Width), float64(o.moved.DY/pic.Height)
	b := o.start
	if o.resizing {
		b.W, b.H = math.Max(b.W+dx, 0.02), math.Max(b.H+dy, 0.02)
		b.W, b.H = snapEnd(b.X, b.W), snapEnd(b.Y, b.H)
	} else {
		b.X, b.Y = snapMove(b.X+dx, b.W), snapMove(b.Y+dy, b.H)
	}
	l.Place = b
	o.e.form.load(l)
	o.Refresh()
}

// DragEnd applies the layer's new place.
func (o *layerOverlay) DragEnd() {
	if !o.dragged {
		return
	}
	o.dragged = false
	o.e.layers.RefreshItem(o.e.layerAt(o.e.sel))
	o.e.apply()
}

// snapMove snaps a layer's start (x) so that its start, end or centre
// lands on the canvas' edge or centre when within snapWithin.
func snapMove(x, w float64) float64 {
	for _, c := range []struct{ edge, at float64 }{{x, 0}, {x + w, 1}, {x + w/2, 0.5}} {
		if math.Abs(c.edge-c.at) < snapWithin {
			return x + (c.at - c.edge)
		}
	}
	return x
}

// snapEnd snaps a resized layer's size so that its end lands on the
// canvas' edge or centre when within snapWithin.
func snapEnd(x, w float64) float64 {
	for _, at := range []float64{1, 0.5} {
		if math.Abs(x+w-at) < snapWithin && at-x > 0 {
			return at - x
		}
	}
	return w
}

// CreateRenderer draws the frame and the handle.
func (o *layerOverlay) CreateRenderer() fyne.WidgetRenderer {
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor = theme.Color(theme.ColorNamePrimary)
	border.StrokeWidth = 2
	handle := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	return &overlayRenderer{o: o, border: border, handle: handle}
}

type overlayRenderer struct {
	o      *layerOverlay
	border *canvas.Rectangle
	handle *canvas.Rectangle
}

func (r *overlayRenderer) Layout(fyne.Size) { r.Refresh() }

func (r *overlayRenderer) MinSize() fyne.Size { return fyne.Size{} }

func (r *overlayRenderer) Refresh() {
	l := r.o.e.layer()
	if l == nil {
		return
	}
	pos, size := r.o.frame(l.Place)
	r.border.Move(pos)
	r.border.Resize(size)
	r.handle.Move(fyne.NewPos(pos.X+size.Width-handleSize, pos.Y+size.Height-handleSize))
	r.handle.Resize(fyne.NewSize(handleSize, handleSize))
	r.border.Refresh()
	r.handle.Refresh()
}

func (r *overlayRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.border, r.handle}
}

func (r *overlayRenderer) Destroy() {}
