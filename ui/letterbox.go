package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// fitRect is where a picture of the given aspect (width over height) sits
// when fitted, centred, into outer.
func fitRect(outer fyne.Size, aspect float64) (fyne.Position, fyne.Size) {
	if outer.Width <= 0 || outer.Height <= 0 || aspect <= 0 {
		return fyne.Position{}, fyne.Size{}
	}
	w, h := outer.Width, outer.Width/float32(aspect)
	if h > outer.Height {
		w, h = outer.Height*float32(aspect), outer.Height
	}
	return fyne.NewPos((outer.Width-w)/2, (outer.Height-h)/2), fyne.NewSize(w, h)
}

// letterbox shows an image fitted into its space with black bars in the
// margins. The bars cover only the margins, not the whole space under the
// picture: the window repaints everything for every preview frame, and with
// a software renderer (llvmpipe under Xvfb) a full black backdrop under the
// picture cost about a tenth of the idle window's CPU.
func letterbox(img *canvas.Image) *fyne.Container {
	a, b := canvas.NewRectangle(color.Black), canvas.NewRectangle(color.Black)
	return container.New(letterboxLayout{}, a, b, img)
}

// letterboxLayout places its three objects: two bars, then the image.
type letterboxLayout struct{}

// Layout fits the image and gives the bars the margins, overlapping the
// image by one unit so no seam of the theme's background shows.
func (letterboxLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	a, b, img := objs[0], objs[1], objs[2].(*canvas.Image)
	pos, fit := fitRect(size, imageAspect(img))
	img.Move(pos)
	img.Resize(fit)
	if pos.Y > 0 { // bars above and below
		a.Move(fyne.Position{})
		a.Resize(fyne.NewSize(size.Width, pos.Y+1))
		b.Move(fyne.NewPos(0, pos.Y+fit.Height-1))
		b.Resize(fyne.NewSize(size.Width, size.Height-pos.Y-fit.Height+1))
	} else { // bars left and right (or none: zero width)
		a.Move(fyne.Position{})
		a.Resize(fyne.NewSize(pos.X+1, size.Height))
		b.Move(fyne.NewPos(pos.X+fit.Width-1, 0))
		b.Resize(fyne.NewSize(size.Width-pos.X-fit.Width+1, size.Height))
	}
}

// MinSize is the image's.
func (letterboxLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return objs[2].MinSize()
}

// imageAspect is an image's width over height, 16:9 without a picture.
func imageAspect(img *canvas.Image) float64 {
	if img.Image != nil {
		if s := img.Image.Bounds().Size(); s.X > 0 && s.Y > 0 {
			return float64(s.X) / float64(s.Y)
		}
	}
	return 16.0 / 9
}
