package encode

import (
	"fmt"
	"image"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// CompositorLayer places one picture on the compositor's canvas.
type CompositorLayer struct {
	// Rect is where the picture goes on the canvas, in canvas pixels. It may
	// reach past the canvas' edges; its corners are rounded down to even
	// pixels (4:2:0 chroma), and a layer under 2x2 pixels is not drawn.
	Rect image.Rectangle
	// Opacity is 0 (invisible) to 1 (opaque); the picture's own alpha, if
	// it has any, is multiplied by it.
	Opacity float64
	// Static says the picture never changes (an image, a text, a colour):
	// it is scaled and handed to the filter graph once per graph instead of
	// once per frame.
	Static bool
}

// Compositor lays pictures over each other at a fixed canvas size: each
// layer is scaled into its rectangle with swscale (BT.709, video range, as
// the encoder reads it), and libavfilter's overlay filters lay them, in
// order, over a black canvas, honouring alpha. The graph is built again
// only when the layer list or the set of layers with a picture changes, so
// a layer can appear and disappear without any effect on the output's
// timing. One goroutine owns a Compositor; Close may be called from any.
type Compositor struct {
	w, h, fps int
	layers    []CompositorLayer
	state     []*layerState
	graph     *compositorGraph
	// graphFor is each layer's form in the current graph.
	graphFor []layerForm
	base     *astiav.Frame // the black canvas
	out      *astiav.Frame // the sink's frame, reused
	n        int64         // frames composed: the next pts
	builds   int           // graphs built (tests check the cache)
	closed   bool
}

// layerState is one layer's scaler and its frame in the layer's size.
type layerState struct {
	sws       *swscaler
	frame     *astiav.Frame
	alpha     bool        // the frame is yuva420p
	staticSrc image.Image // the picture last scaled, for static layers
	fresh     bool        // frame holds staticSrc scaled
	wantAlpha bool        // the next frame carries alpha (noteAlpha)
	alphaSrc  image.Image // the picture wantAlpha was found for
}

// noteAlpha works out whether the layer's frame for pic needs alpha; a
// static picture is scanned once.
func (st *layerState) noteAlpha(pic image.Image, l CompositorLayer) {
	if l.Opacity < 1 {
		st.wantAlpha, st.alphaSrc = true, nil
		return
	}
	if sameImage(st.alphaSrc, pic) {
		return
	}
	st.wantAlpha, st.alphaSrc = hasAlpha(pic), nil
	if l.Static {
		st.alphaSrc = pic
	}
}

// NewCompositor returns a compositor of w×h pictures (even, 2..8192) at
// fps frames a second.
func NewCompositor(w, h, fps int) (*Compositor, error) {
	if w < 2 || h < 2 || w%2 != 0 || h%2 != 0 || w > MaxVideoSize || h > MaxVideoSize || fps <= 0 {
		return nil, fmt.Errorf("%w: compositor canvas %dx%d at %d fps", ErrInvalidConfig, w, h, fps)
	}
	c := &Compositor{w: w, h: h, fps: fps}
	c.base = astiav.AllocFrame()
	c.out = astiav.AllocFrame()
	c.base.SetWidth(w)
	c.base.SetHeight(h)
	c.base.SetPixelFormat(astiav.PixelFormatYuv420P)
	c.base.SetColorRange(astiav.ColorRangeMpeg)
	c.base.SetColorSpace(astiav.ColorSpaceBt709)
	if err := c.base.AllocBuffer(0); err != nil {
		c.Close()
		return nil, fmt.Errorf("encode: allocating the compositor canvas: %w", err)
	}
	fillFrame(c.base, [4]byte{16, 128, 128, 255})
	return c, nil
}

// SetLayers replaces the layer list, bottom first. The next Compose builds
// a new graph; layers keep their scalers where the index stays.
func (c *Compositor) SetLayers(layers []CompositorLayer) {
	c.layers = append(c.layers[:0], layers...)
	for len(c.state) > len(layers) {
		c.state[len(c.state)-1].free()
		c.state = c.state[:len(c.state)-1]
	}
	for len(c.state) < len(layers) {
		c.state = append(c.state, &layerState{})
	}
	for _, st := range c.state {
		st.fresh = false
	}
	c.graph.free() // the next Compose builds one for these layers
	c.graph = nil
}

// Builds returns how many filter graphs the compositor has built.
func (c *Compositor) Builds() int { return c.builds }

// Compose lays pictures[i] as layer i (nil: the layer has no picture now
// and is left out) and writes the result into out, a 4:2:0 image of the
// canvas size in video range.
func (c *Compositor) Compose(pictures []image.Image, out *image.YCbCr) error {
	if c.closed {
		return ErrClosed
	}
	if len(pictures) != len(c.layers) {
		return fmt.Errorf("encode: compose got %d pictures for %d layers", len(pictures), len(c.layers))
	}
	if out == nil || out.Rect.Dx() != c.w || out.Rect.Dy() != c.h || out.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return fmt.Errorf("%w: compose needs a %dx%d 4:2:0 picture to write into", ErrUnsupportedInput, c.w, c.h)
	}
	visible := make([]bool, len(c.layers))
	for i, l := range c.layers {
		visible[i] = pictures[i] != nil && l.Opacity > 0 && drawable(l.Rect)
		if visible[i] {
			c.state[i].noteAlpha(pictures[i], l)
		}
	}
	if err := c.ensureGraph(visible); err != nil {
		return err
	}
	pts := c.n
	c.n++
	g := c.graph
	c.base.SetPts(pts)
	if err := g.base.AddFrame(c.base, astiav.NewBuffersrcFlags(astiav.BuffersrcFlagKeepRef)); err != nil {
		return fmt.Errorf("encode: compositing: %w", err)
	}
	for i, src := range g.layers {
		if src == nil || g.ended[i] {
			continue
		}
		l, st := c.layers[i], c.state[i]
		if err := st.scale(pictures[i], l); err != nil {
			return err
		}
		st.frame.SetPts(pts)
		if err := src.AddFrame(st.frame, astiav.NewBuffersrcFlags(astiav.BuffersrcFlagKeepRef)); err != nil {
			return fmt.Errorf("encode: compositing layer %d: %w", i+1, err)
		}
		if l.Static { // its one frame is repeated by overlay until the graph goes
			if err := src.AddFrame(nil, astiav.NewBuffersrcFlags()); err != nil {
				return fmt.Errorf("encode: compositing layer %d: %w", i+1, err)
			}
			g.ended[i] = true
		}
	}
	if err := g.sink.GetFrame(c.out, astiav.NewBuffersinkFlags()); err != nil {
		return fmt.Errorf("encode: compositing: the filter graph gave no picture: %w", err)
	}
	defer c.out.Unref()
	return copyFrameTo(c.out, out)
}

// drawable reports whether r, snapped to even pixels, is at least 2x2.
func drawable(r image.Rectangle) bool {
	r = evenRect(r)
	return r.Dx() >= 2 && r.Dy() >= 2
}

// evenRect rounds r's corners down to even coordinates.
func evenRect(r image.Rectangle) image.Rectangle {
	even := func(v int) int { return v &^ 1 }
	return image.Rect(even(r.Min.X), even(r.Min.Y), even(r.Max.X), even(r.Max.Y))
}

// scale converts pic into the layer's frame. A static layer keeps its
// frame while the picture is the same one.
func (st *layerState) scale(pic image.Image, l CompositorLayer) error {
	if l.Static && st.fresh && sameImage(st.staticSrc, pic) {
		return nil
	}
	r := evenRect(l.Rect)
	alpha := st.wantAlpha
	if st.frame == nil || st.alpha != alpha || st.frame.Width() != r.Dx() || st.frame.Height() != r.Dy() {
		st.free()
		f := alpha2fmt(alpha)
		st.sws = newSwscaler(r.Dx(), r.Dy(), f, false)
		st.frame = astiav.AllocFrame()
		st.frame.SetWidth(r.Dx())
		st.frame.SetHeight(r.Dy())
		st.frame.SetPixelFormat(f)
		st.frame.SetColorRange(astiav.ColorRangeMpeg)
		st.frame.SetColorSpace(astiav.ColorSpaceBt709)
		st.alpha = alpha
		if err := st.frame.AllocBuffer(0); err != nil {
			return fmt.Errorf("encode: allocating a layer picture: %w", err)
		}
	}
	if err := st.sws.toFrame(pic, st.frame); err != nil {
		return err
	}
	if alpha && l.Opacity < 1 {
		scaleAlpha(st.frame, l.Opacity)
	}
	st.staticSrc, st.fresh = pic, l.Static
	return nil
}

func (st *layerState) free() {
	if st.sws != nil {
		st.sws.free()
		st.sws = nil
	}
	if st.frame != nil {
		st.frame.Free()
		st.frame = nil
	}
	st.fresh = false
}

func alpha2fmt(alpha bool) astiav.PixelFormat {
	if alpha {
		return astiav.PixelFormatYuva420P
	}
	return astiav.PixelFormatYuv420P
}

// hasAlpha reports whether pic carries alpha that is not all opaque. Only
// non-premultiplied types count: live sources (cameras, screens) give
// YCbCr or opaque RGBA, and static pictures (images, texts) come as NRGBA,
// scanned once per graph.
func hasAlpha(pic image.Image) bool {
	switch m := pic.(type) {
	case *image.NRGBA:
		return !m.Opaque()
	case *image.NYCbCrA:
		return !m.Opaque()
	}
	return false
}

// sameImage reports whether a and b are the same picture object.
func sameImage(a, b image.Image) bool {
	if a == nil || b == nil {
		return false
	}
	return a == b
}

// scaleAlpha multiplies the alpha plane of a yuva420p frame by k.
func scaleAlpha(f *astiav.Frame, k float64) {
	c := frameC(f)
	m := uint32(k*256 + 0.5)
	for y := 0; y < int(c.height); y++ {
		row := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(c.data[3]), y*int(c.linesize[3]))), int(c.width))
		for x, a := range row {
			row[x] = byte((uint32(a)*m + 128) >> 8)
		}
	}
}

// fillFrame sets every sample of a yuv(a)420p frame's planes to v.
func fillFrame(f *astiav.Frame, v [4]byte) {
	c := frameC(f)
	for p := 0; p < 4 && c.data[p] != nil; p++ {
		w, h := int(c.width), int(c.height)
		if p == 1 || p == 2 {
			w, h = (w+1)/2, (h+1)/2
		}
		for y := 0; y < h; y++ {
			row := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(c.data[p]), y*int(c.linesize[p]))), w)
			for x := range row {
				row[x] = v[p]
			}
		}
	}
}

// copyFrameTo copies a yuv420p frame of out's size into out.
func copyFrameTo(f *astiav.Frame, out *image.YCbCr) error {
	c := frameC(f)
	w, h := out.Rect.Dx(), out.Rect.Dy()
	if int(c.width) != w || int(c.height) != h || astiav.PixelFormat(c.format) != astiav.PixelFormatYuv420P {
		return fmt.Errorf("encode: the compositor's graph gave %s %dx%d, want yuv420p %dx%d",
			astiav.PixelFormat(c.format), c.width, c.height, w, h)
	}
	planes := [3][]byte{out.Y, out.Cb, out.Cr}
	strides := [3]int{out.YStride, out.CStride, out.CStride}
	for p := 0; p < 3; p++ {
		pw, ph := w, h
		if p > 0 {
			pw, ph = (w+1)/2, (h+1)/2
		}
		for y := 0; y < ph; y++ {
			src := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(c.data[p]), y*int(c.linesize[p]))), pw)
			copy(planes[p][y*strides[p]:y*strides[p]+pw], src)
		}
	}
	return nil
}

// Close frees the graph and the frames. It is safe to call twice.
func (c *Compositor) Close() {
	if c.closed {
		return
	}
	c.closed = true
	c.graph.free()
	c.graph = nil
	for _, st := range c.state {
		st.free()
	}
	c.base.Free()
	c.out.Free()
}
