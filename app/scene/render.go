package scene

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // image layers may be JPEG
	_ "image/png"  // or PNG
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// maxImageSide bounds an image layer's file, checked before it is decoded.
const maxImageSide = 8192

// ParseColor reads #RRGGBB or #RRGGBBAA.
func ParseColor(s string) (color.NRGBA, error) {
	h, ok := strings.CutPrefix(s, "#")
	if !ok || (len(h) != 6 && len(h) != 8) {
		return color.NRGBA{}, fmt.Errorf("colour %q: write it as #RRGGBB or #RRGGBBAA", s)
	}
	if len(h) == 6 {
		h += "FF"
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.NRGBA{}, fmt.Errorf("colour %q: write it as #RRGGBB or #RRGGBBAA", s)
	}
	return color.NRGBA{R: uint8(v >> 24), G: uint8(v >> 16), B: uint8(v >> 8), A: uint8(v)}, nil
}

// Picture draws a static layer's source (colour, image or text) for a
// w×h place on the canvas. Images come at their own size (the compositor
// scales them); colours and texts at w×h. Every picture is NRGBA, whose
// alpha is not premultiplied, which is how libav reads RGBA.
func Picture(s Source, w, h int) (*image.NRGBA, error) {
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("a %s layer of %dx%d pixels cannot be drawn", s.Kind, w, h)
	}
	switch s.Kind {
	case KindColor:
		c, err := ParseColor(s.Color)
		if err != nil {
			return nil, err
		}
		m := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(m, m.Rect, image.NewUniform(c), image.Point{}, draw.Src)
		return m, nil
	case KindImage:
		return loadImage(s.Path)
	case KindText:
		return drawText(s, w, h)
	}
	return nil, fmt.Errorf("a %s layer is not a static picture", s.Kind)
}

func loadImage(path string) (*image.NRGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening the image: %w", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w (PNG and JPEG are read)", path, err)
	}
	if cfg.Width > maxImageSide || cfg.Height > maxImageSide {
		return nil, fmt.Errorf("image %s is %dx%d, at most %d pixels a side", path, cfg.Width, cfg.Height, maxImageSide)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("reading the image: %w", err)
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", path, err)
	}
	if m, ok := img.(*image.NRGBA); ok && m.Rect.Min == (image.Point{}) {
		return m, nil
	}
	b := img.Bounds()
	m := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Rect, img, b.Min, draw.Src)
	return m, nil
}

// drawText draws one line on its background box, filling the box's height
// (less a margin), shrunk to fit its width, left-aligned, centred
// vertically.
func drawText(s Source, w, h int) (*image.NRGBA, error) {
	face, err := loadFace(s.Font)
	if err != nil {
		return nil, err
	}
	fg := color.NRGBA{255, 255, 255, 255}
	if s.Color != "" {
		if fg, err = ParseColor(s.Color); err != nil {
			return nil, err
		}
	}
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	if s.Background != "" {
		bg, err := ParseColor(s.Background)
		if err != nil {
			return nil, err
		}
		draw.Draw(m, m.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
	}
	margin := float64(h) * 0.15
	size := float64(h) - 2*margin
	f, err := newFace(face, size)
	if err != nil {
		return nil, err
	}
	if adv := font.MeasureString(f, s.Text).Ceil(); float64(adv) > float64(w)-2*margin && adv > 0 {
		size *= (float64(w) - 2*margin) / float64(adv)
		if f, err = newFace(face, size); err != nil {
			return nil, err
		}
	}
	met := f.Metrics()
	textH := met.Ascent + met.Descent
	y := (fixed.I(h)-textH)/2 + met.Ascent
	d := font.Drawer{Dst: m, Src: image.NewUniform(fg), Face: f, Dot: fixed.Point26_6{X: fixed.Int26_6(margin * 64), Y: y}}
	d.DrawString(s.Text)
	return m, nil
}

func loadFace(name string) (*opentype.Font, error) {
	var data []byte
	switch name {
	case "":
		data = goregular.TTF
	case "bold":
		data = gobold.TTF
	default:
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading the font: %w", err)
		}
		data = b
	}
	f, err := opentype.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", fontName(name), err)
	}
	return f, nil
}

func fontName(name string) string {
	if name == "" {
		return "Go Regular"
	}
	return name
}

func newFace(f *opentype.Font, size float64) (font.Face, error) {
	if size < 1 {
		return nil, errors.New("the text box is too small for any text")
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("sizing the font: %w", err)
	}
	return face, nil
}
