package encode

import (
	"fmt"
	"strings"

	"github.com/asticode/go-astiav"
)

// compositorGraph is one built filter graph: a buffer source for the
// canvas and one for each layer with a picture, a chain of overlay filters,
// and a sink.
type compositorGraph struct {
	g      *astiav.FilterGraph
	base   *astiav.BuffersrcFilterContext
	layers []*astiav.BuffersrcFilterContext // nil: the layer is left out
	ended  []bool                           // a static layer's one frame was sent
	sink   *astiav.BuffersinkFilterContext
}

// layerForm is what the graph takes from a layer.
type layerForm uint8

const (
	layerAbsent layerForm = iota
	layerOpaque           // yuv420p
	layerAlpha            // yuva420p
)

// ensureGraph builds the graph unless the current one fits the layers,
// their visibility and their pictures' alpha. It runs for every frame, so
// it compares without allocating.
func (c *Compositor) ensureGraph(visible []bool) error {
	fits := c.graph != nil && len(c.graphFor) == len(visible)
	for i := 0; fits && i < len(visible); i++ {
		fits = c.graphFor[i] == c.formOf(i, visible[i])
	}
	if fits {
		return nil
	}
	c.graph.free()
	c.graph = nil
	g, err := c.buildGraph(visible)
	if err != nil {
		return err
	}
	c.graphFor = c.graphFor[:0]
	for i, v := range visible {
		c.graphFor = append(c.graphFor, c.formOf(i, v))
	}
	c.graph = g
	c.builds++
	return nil
}

// formOf is layer i's form in a graph for this frame.
func (c *Compositor) formOf(i int, visible bool) layerForm {
	switch {
	case !visible:
		return layerAbsent
	case c.state[i].wantAlpha:
		return layerAlpha
	}
	return layerOpaque
}

func (c *Compositor) buildGraph(visible []bool) (_ *compositorGraph, err error) {
	cg := &compositorGraph{g: astiav.AllocFilterGraph()}
	if cg.g == nil {
		return nil, fmt.Errorf("encode: allocating a filter graph failed")
	}
	defer func() {
		if err != nil {
			cg.free()
		}
	}()
	cg.g.SetThreadCount(1)
	if cg.base, err = c.newSource(cg.g, "base", c.w, c.h, astiav.PixelFormatYuv420P); err != nil {
		return nil, err
	}
	cg.layers = make([]*astiav.BuffersrcFilterContext, len(c.layers))
	cg.ended = make([]bool, len(c.layers))
	outputs := astiav.AllocFilterInOut()
	outputs.SetName("base")
	outputs.SetFilterContext(cg.base.FilterContext())
	outputs.SetPadIdx(0)
	tail := outputs
	var desc strings.Builder
	prev := "base"
	for i, l := range c.layers {
		if !visible[i] {
			continue
		}
		r := evenRect(l.Rect)
		f := alpha2fmt(c.state[i].wantAlpha)
		name := fmt.Sprintf("l%d", i)
		src, err := c.newSource(cg.g, name, r.Dx(), r.Dy(), f)
		if err != nil {
			outputs.Free()
			return nil, err
		}
		cg.layers[i] = src
		node := astiav.AllocFilterInOut()
		node.SetName(name)
		node.SetFilterContext(src.FilterContext())
		node.SetPadIdx(0)
		tail.SetNext(node)
		tail = node
		next := fmt.Sprintf("o%d", i)
		fmt.Fprintf(&desc, "[%s][%s]overlay=x=%d:y=%d:format=yuv420:eof_action=repeat[%s];", prev, name, r.Min.X, r.Min.Y, next)
		prev = next
	}
	fmt.Fprintf(&desc, "[%s]format=pix_fmts=yuv420p[out]", prev)
	if cg.sink, err = cg.g.NewBuffersinkFilterContext(astiav.FindFilterByName("buffersink"), "out"); err != nil {
		outputs.Free()
		return nil, fmt.Errorf("encode: making the compositor's sink: %w", err)
	}
	inputs := astiav.AllocFilterInOut()
	inputs.SetName("out")
	inputs.SetFilterContext(cg.sink.FilterContext())
	inputs.SetPadIdx(0)
	err = cg.g.Parse(desc.String(), inputs, outputs)
	inputs.Free()
	outputs.Free()
	if err != nil {
		return nil, fmt.Errorf("encode: the compositor's graph %q: %w", desc.String(), err)
	}
	if err := cg.g.Configure(); err != nil {
		return nil, fmt.Errorf("encode: configuring the compositor's graph: %w", err)
	}
	return cg, nil
}

// newSource makes a buffer source for w×h frames of format f, in video
// range BT.709, one frame per pts at the canvas' rate.
func (c *Compositor) newSource(g *astiav.FilterGraph, name string, w, h int, f astiav.PixelFormat) (*astiav.BuffersrcFilterContext, error) {
	src, err := g.NewBuffersrcFilterContext(astiav.FindFilterByName("buffer"), name)
	if err != nil {
		return nil, fmt.Errorf("encode: making the compositor's source %s: %w", name, err)
	}
	p := astiav.AllocBuffersrcFilterContextParameters()
	defer p.Free()
	p.SetWidth(w)
	p.SetHeight(h)
	p.SetPixelFormat(f)
	p.SetTimeBase(astiav.NewRational(1, c.fps))
	p.SetSampleAspectRatio(astiav.NewRational(1, 1))
	p.SetColorRange(astiav.ColorRangeMpeg)
	p.SetColorSpace(astiav.ColorSpaceBt709)
	if err := src.SetParameters(p); err != nil {
		return nil, fmt.Errorf("encode: setting up the compositor's source %s: %w", name, err)
	}
	if err := src.Initialize(nil); err != nil {
		return nil, fmt.Errorf("encode: starting the compositor's source %s: %w", name, err)
	}
	return src, nil
}

// free frees the graph and its filters; nil is fine.
func (g *compositorGraph) free() {
	if g != nil && g.g != nil {
		g.g.Free()
		g.g = nil
	}
}
