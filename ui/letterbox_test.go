package ui

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// TestLetterboxFitsThePictureAndBarsOnlyTheMargins: the picture keeps its
// aspect and is centred; the two bars cover the rest of the space (so no
// theme background shows) and reach at most one unit under the picture.
func TestLetterboxFitsThePictureAndBarsOnlyTheMargins(t *testing.T) {
	cases := []struct {
		name      string
		pic, size image.Point
		wantPos   fyne.Position
		wantSize  fyne.Size
	}{
		{"wide space", image.Pt(640, 360), image.Pt(800, 360), fyne.NewPos(80, 0), fyne.NewSize(640, 360)},
		{"tall space", image.Pt(640, 360), image.Pt(640, 460), fyne.NewPos(0, 50), fyne.NewSize(640, 360)},
		{"exact", image.Pt(640, 360), image.Pt(320, 180), fyne.NewPos(0, 0), fyne.NewSize(320, 180)},
		{"4:3 in 16:9", image.Pt(400, 300), image.Pt(640, 360), fyne.NewPos(80, 0), fyne.NewSize(480, 360)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := canvas.NewImageFromImage(image.NewRGBA(image.Rectangle{Max: c.pic}))
			box := letterbox(img)
			size := fyne.NewSize(float32(c.size.X), float32(c.size.Y))
			box.Resize(size)
			if img.Position() != c.wantPos || img.Size() != c.wantSize {
				t.Fatalf("picture at %v size %v, want %v size %v", img.Position(), img.Size(), c.wantPos, c.wantSize)
			}
			bars := box.Objects[:2]
			under := float32(0)
			for y := float32(0.5); y < size.Height; y++ {
				for x := float32(0.5); x < size.Width; x++ {
					inPic := inside(img, x, y)
					inBar := inside(bars[0], x, y) || inside(bars[1], x, y)
					if !inPic && !inBar {
						t.Fatalf("(%v,%v) is neither picture nor bar", x, y)
					}
					if inPic && inBar {
						under++
					}
				}
			}
			if edge := 2 * max(c.wantSize.Width, c.wantSize.Height); under > edge {
				t.Errorf("bars cover %v units of the picture, want at most a one-unit seam (%v)", under, edge)
			}
		})
	}
}

func inside(o fyne.CanvasObject, x, y float32) bool {
	p, s := o.Position(), o.Size()
	return x >= p.X && x < p.X+s.Width && y >= p.Y && y < p.Y+s.Height
}
