package compose

import (
	"fmt"
	"image"
	"image/draw"
	"slices"

	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
)

// run is one scene made ready to draw: its layers' places in pixels, the
// static pictures drawn once, and the feeds of its live layers.
type run struct {
	scene  scene.Scene
	layers []runLayer
	// live is each feed the layers use, once, in layer order; pics is
	// compose's buffer of the layers' pictures (the composing goroutine's).
	// prepare makes both, so composing a frame allocates neither.
	live []*feed
	pics []image.Image
}

type runLayer struct {
	spec   scene.Layer
	place  encode.CompositorLayer
	static image.Image // colour, image or text, cropped; nil for live layers
	feed   *feed       // live layers
}

// feedKey names a live source so that layers showing the same one share a
// feed. The test pattern is drawn at its layer's size, so the size is part
// of its key.
func feedKey(l scene.Layer, r image.Rectangle) string {
	switch l.Source.Kind {
	case scene.KindTest:
		w, h := testSize(r)
		return fmt.Sprintf("test@%dx%d", w, h)
	case scene.KindCamera, scene.KindScreen:
		if l.Source.Device == "" {
			return l.Source.Kind
		}
		return l.Source.Kind + ":" + l.Source.Device
	case scene.KindClip:
		return "file:" + l.Source.Path
	case scene.KindStream:
		return "stream:" + l.Source.URL
	}
	return ""
}

// testSize is the test pattern's size for a place: the place's own size,
// even, at least 16x16.
func testSize(r image.Rectangle) (w, h int) {
	return max(r.Dx()&^1, 16), max(r.Dy()&^1, 16)
}

// prepare builds a run for sc. Live layers take a feed from have when one
// with the same key is there and open a new one otherwise; opened returns
// the new feeds (the caller owns them: on error they are already closed).
func (s *Source) prepare(sc scene.Scene, have map[string]*feed) (_ *run, opened []*feed, err error) {
	if err := sc.Validate(); err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			for _, f := range opened {
				f.close()
			}
			opened = nil
		}
	}()
	r := &run{scene: sc}
	for i, l := range sc.Layers {
		rect := l.Place.Rect(s.cfg.Width, s.cfg.Height)
		rl := runLayer{spec: l, place: encode.CompositorLayer{Rect: rect, Opacity: l.Alpha(), Static: l.Static()}}
		switch {
		case l.Hidden:
		case l.Static():
			pic, err := scene.Picture(l.Source, rect.Dx(), rect.Dy())
			if err != nil {
				return nil, opened, fmt.Errorf("scene %q, layer %d (%q): %w", sc.Name, i+1, l.Name, err)
			}
			rl.static = cropStatic(pic, l.Crop)
		default:
			key := feedKey(l, rect)
			f := have[key]
			if f == nil {
				src, err := s.openLive(l, rect)
				if err != nil {
					return nil, opened, fmt.Errorf("scene %q, layer %d (%q): %w", sc.Name, i+1, l.Name, err)
				}
				f = startFeed(key, src, s.cfg.Clock, s.log)
				have[key] = f
				opened = append(opened, f)
			}
			rl.feed = f
			if !slices.Contains(r.live, f) {
				r.live = append(r.live, f)
			}
		}
		r.layers = append(r.layers, rl)
	}
	r.pics = make([]image.Image, len(r.layers))
	return r, opened, nil
}

// openLive opens a live layer's source: a stream is played and decoded
// here (or taken from the studio's shared decoder), the rest comes from
// capture.
func (s *Source) openLive(l scene.Layer, r image.Rectangle) (capture.VideoSource, error) {
	if l.Source.Kind == scene.KindStream {
		w, h := testSize(r)
		return openStream(l.Source.URL, l.Name, w, h, s.cfg.Clock, s.log, s.cfg.Mix, s.cfg.Local)
	}
	c := capture.VideoConstraints{Width: s.cfg.Width, Height: s.cfg.Height, FPS: s.cfg.FPS}
	spec := l.Source.Kind
	switch l.Source.Kind {
	case scene.KindTest:
		c.Width, c.Height = testSize(r)
	case scene.KindCamera, scene.KindScreen:
		if l.Source.Device != "" {
			spec += ":" + l.Source.Device
		}
	case scene.KindClip:
		spec = "file:" + l.Source.Path
	}
	return s.cfg.OpenVideo(spec, c, s.cfg.Clock, s.log)
}

// cropStatic cuts a static picture to its crop, once.
func cropStatic(pic *image.NRGBA, crop *scene.Box) image.Image {
	if crop == nil {
		return pic
	}
	r := crop.Rect(pic.Rect.Dx(), pic.Rect.Dy())
	out := image.NewNRGBA(image.Rect(0, 0, max(r.Dx(), 1), max(r.Dy(), 1)))
	draw.Draw(out, out.Rect, pic, r.Min, draw.Src)
	return out
}

// cropLive cuts a live picture to its crop without copying.
func cropLive(pic image.Image, crop *scene.Box) image.Image {
	if crop == nil || pic == nil {
		return pic
	}
	b := pic.Bounds()
	r := crop.Rect(b.Dx(), b.Dy()).Add(b.Min)
	if r.Empty() {
		return nil
	}
	if m, ok := pic.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return m.SubImage(r)
	}
	return pic
}

// places returns the compositor's layer list for r.
func (r *run) places() []encode.CompositorLayer {
	out := make([]encode.CompositorLayer, len(r.layers))
	for i, l := range r.layers {
		out[i] = l.place
	}
	return out
}

// feeds returns the feeds r uses.
func (r *run) feeds() map[*feed]bool {
	m := map[*feed]bool{}
	if r == nil {
		return m
	}
	for _, f := range r.live {
		m[f] = true
	}
	return m
}
