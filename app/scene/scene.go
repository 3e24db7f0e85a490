// Package scene is what a scene is, apart from how it is drawn: an ordered
// list of layers, each a source placed on the canvas, and the JSON file
// format scenes are saved in and exchanged as (docs/scenes.md). It reads
// and checks scene files and renders the static sources (colours, images,
// texts) to pictures; app/compose draws scenes.
package scene

import (
	"errors"
	"fmt"
	"image"
	"math"
	"strings"
)

// Kinds of layer source.
const (
	KindColor  = "color"  // a solid colour (Color)
	KindTest   = "test"   // the built-in test pattern
	KindCamera = "camera" // a camera (Device: its ID, or empty for the first)
	KindScreen = "screen" // a screen (Device: its number, or empty for the first)
	KindImage  = "image"  // a PNG or JPEG file (Path)
	KindText   = "text"   // a line of text (Text, Font, Color, Background)
	KindClip   = "clip"   // a YUV4MPEG2 clip (Path), looped
	KindStream = "stream" // an RTMP stream (URL): an IP camera, OBS or a phone pushed into the local server
)

// Source is what a layer shows.
type Source struct {
	Kind string `json:"kind"`
	// Device picks the camera (an ID from `onair devices`) or the screen
	// (a number); empty takes the first.
	Device string `json:"device,omitempty"`
	// URL is a stream layer's rtmp:// or rtmps:// play URL.
	URL string `json:"url,omitempty"`
	// Path is the image file or the clip.
	Path string `json:"path,omitempty"`
	// Text is the text of a text layer, one line.
	Text string `json:"text,omitempty"`
	// Font is a TrueType or OpenType file for the text; empty is Go Regular
	// and "bold" is Go Bold, both built in.
	Font string `json:"font,omitempty"`
	// Color is a colour layer's colour, or a text's: #RRGGBB or #RRGGBBAA.
	Color string `json:"color,omitempty"`
	// Background is the box behind a text (#RRGGBB[AA]); empty is none.
	Background string `json:"background,omitempty"`
}

// Box is a rectangle in fractions of a whole: 0 is the left or top edge,
// 1 the right or bottom edge.
type Box struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Full is the whole canvas (or the whole source, as a crop).
var Full = Box{0, 0, 1, 1}

// Layer is one source placed on the canvas.
type Layer struct {
	Name   string `json:"name"`
	Source Source `json:"source"`
	// Place is where the layer goes, in fractions of the canvas. It may
	// reach past the canvas' edges.
	Place Box `json:"place"`
	// Crop is the part of the source shown, in fractions of the source;
	// nil shows all of it.
	Crop *Box `json:"crop,omitempty"`
	// Opacity is 0 to 1; nil is 1.
	Opacity *float64 `json:"opacity,omitempty"`
	Hidden  bool     `json:"hidden,omitempty"`
}

// Alpha returns the layer's opacity (1 when unset).
func (l Layer) Alpha() float64 {
	if l.Opacity == nil {
		return 1
	}
	return *l.Opacity
}

// Static reports whether the layer's picture never changes: colours,
// images and texts, drawn once.
func (l Layer) Static() bool {
	switch l.Source.Kind {
	case KindColor, KindImage, KindText:
		return true
	}
	return false
}

// Rect returns where the layer goes on a w×h canvas, in pixels.
func (b Box) Rect(w, h int) image.Rectangle {
	px := func(f float64, n int) int { return int(math.Round(f * float64(n))) }
	return image.Rect(px(b.X, w), px(b.Y, h), px(b.X+b.W, w), px(b.Y+b.H, h))
}

// Scene is an ordered list of layers, the first at the bottom.
type Scene struct {
	Name   string  `json:"name"`
	Layers []Layer `json:"layers"`
}

// Limits of a scene.
const (
	MaxLayers  = 32
	maxNameLen = 64
	maxTextLen = 200
)

// ErrInvalid wraps every reason a scene is refused.
var ErrInvalid = errors.New("invalid scene")

// Validate reports the first thing in s that cannot be drawn, in one
// sentence that names the layer.
func (s Scene) Validate() error {
	if err := checkName("scene", s.Name); err != nil {
		return err
	}
	if len(s.Layers) > MaxLayers {
		return fmt.Errorf("%w: scene %q has %d layers, at most %d", ErrInvalid, s.Name, len(s.Layers), MaxLayers)
	}
	for i, l := range s.Layers {
		if err := l.validate(); err != nil {
			return fmt.Errorf("%w: scene %q, layer %d (%q): %w", ErrInvalid, s.Name, i+1, l.Name, err)
		}
	}
	return nil
}

func checkName(what, name string) error {
	if strings.TrimSpace(name) == "" || len(name) > maxNameLen {
		return fmt.Errorf("%w: a %s needs a name of 1 to %d characters", ErrInvalid, what, maxNameLen)
	}
	return nil
}

func (l Layer) validate() error {
	if !finiteBox(l.Place) || l.Place.W <= 0 || l.Place.H <= 0 || l.Place.W > 16 || l.Place.H > 16 {
		return fmt.Errorf("its place %+v needs a width and height above 0 (fractions of the canvas)", l.Place)
	}
	if c := l.Crop; c != nil && (!finiteBox(*c) || c.X < 0 || c.Y < 0 || c.W <= 0 || c.H <= 0 || c.X+c.W > 1 || c.Y+c.H > 1) {
		return fmt.Errorf("its crop %+v must lie inside the source (fractions from 0 to 1)", *c)
	}
	if a := l.Alpha(); math.IsNaN(a) || a < 0 || a > 1 {
		return fmt.Errorf("its opacity %v must be between 0 and 1", a)
	}
	return l.Source.validate()
}

func finiteBox(b Box) bool {
	for _, v := range []float64{b.X, b.Y, b.W, b.H} {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 16 {
			return false
		}
	}
	return true
}

func (s Source) validate() error {
	switch s.Kind {
	case KindColor:
		_, err := ParseColor(s.Color)
		return err
	case KindTest, KindCamera, KindScreen:
		return nil
	case KindStream:
		if !strings.HasPrefix(s.URL, "rtmp://") && !strings.HasPrefix(s.URL, "rtmps://") {
			return errors.New("a stream layer needs an rtmp:// or rtmps:// url, e.g. rtmp://127.0.0.1:1935/live/cam1")
		}
		return nil
	case KindImage, KindClip:
		if s.Path == "" {
			return fmt.Errorf("an %s layer needs a path", s.Kind)
		}
		return nil
	case KindText:
		if s.Text == "" || len(s.Text) > maxTextLen || strings.ContainsAny(s.Text, "\r\n") {
			return fmt.Errorf("a text layer needs one line of 1 to %d characters", maxTextLen)
		}
		if s.Color != "" {
			if _, err := ParseColor(s.Color); err != nil {
				return err
			}
		}
		if s.Background != "" {
			if _, err := ParseColor(s.Background); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown source kind %q: use color, test, camera, screen, image, text, clip or stream", s.Kind)
}
