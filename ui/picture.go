package ui

import (
	"image"
	"slices"

	"github.com/seed7c1a73c4/onair/app/program"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// defaultPictureSize is used when a mailbox is missing or empty.
var defaultPictureSize = image.Pt(640, 360)

// picture draws a FrameMailbox. It owns the RGBA buffer the renderer reads
// and the canvas.Images that show it; the buffer is only written on the UI
// goroutine (update), so the renderer never sees half a frame. Every view
// shows the same buffer, so an enlarged tile costs no extra copy.
type picture struct {
	box   *program.FrameMailbox
	rgba  *image.RGBA
	seq   uint64
	views []*canvas.Image
	// frames counts the frames copied in, for the automation hook's fps.
	frames uint64
}

func newPicture(box *program.FrameMailbox) *picture {
	size := defaultPictureSize
	if box != nil && box.Size().X > 0 && box.Size().Y > 0 {
		size = box.Size()
	}
	rgba := image.NewRGBA(image.Rectangle{Max: size})
	for i := 3; i < len(rgba.Pix); i += 4 {
		rgba.Pix[i] = 0xff // opaque black until the first frame
	}
	return &picture{box: box, rgba: rgba}
}

// view returns a new canvas.Image of the buffer: aspect kept, fastest scaling.
func (p *picture) view(min fyne.Size) *canvas.Image {
	img := canvas.NewImageFromImage(p.rgba)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleFastest
	img.SetMinSize(min)
	p.views = append(p.views, img)
	return img
}

// drop forgets a view that is no longer shown.
func (p *picture) drop(v *canvas.Image) {
	p.views = slices.DeleteFunc(p.views, func(x *canvas.Image) bool { return x == v })
}

// update copies the newest frame in when there is one and refreshes the
// views; it reports whether the picture changed. UI goroutine only.
func (p *picture) update() bool {
	if p.box == nil {
		return false
	}
	seq := p.box.CopyTo(p.rgba, p.seq)
	if seq == p.seq {
		return false
	}
	p.seq = seq
	p.frames++
	for _, v := range p.views {
		v.Refresh()
	}
	return true
}
