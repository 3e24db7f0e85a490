package capture

import (
	"image"
	"sync"
	"time"
)

// Test pattern colours (BT.601 limited range).
const (
	yBlack   = 16
	yWhite   = 235
	cNeutral = 128
	yBar     = 180 // progress bar and 75% white
)

// bars75 are the classic 75% colour bars: white, yellow, cyan, green,
// magenta, red, blue, black, as Y, Cb, Cr.
var bars75 = [8][3]byte{
	{180, 128, 128}, {162, 44, 142}, {131, 156, 44}, {112, 72, 58},
	{84, 184, 198}, {65, 100, 212}, {35, 212, 114}, {16, 128, 128},
}

// patternImage is one pooled picture plus what is drawn on it, so the next
// render only redraws what changed.
type patternImage struct {
	img   *image.YCbCr
	white bool            // the whole frame is the flash
	box   image.Rectangle // the moving box as drawn
	prog  int             // width of the progress bar as drawn
	text  [2][]byte       // the text lines as drawn
}

// patternRenderer draws the test pattern into a small pool of images.
//
// Layout, top to bottom: colour bars with a box that slides across and
// back every two seconds; a bar that fills during each second; a black band
// with the stream time (HH:MM:SS.mmm) and the frame number in big digits.
// The frame on each second (n%fps == 0) is entirely white instead.
type patternRenderer struct {
	w, h, fps int
	bg        *image.YCbCr // the static parts, copied from when restoring
	barsH     int
	progR     image.Rectangle // progress band
	boxW      int
	text      *bigText
	lineX     [2]int // left edge of each text line
	lineY     [2]int // top edge of each text line
	line      [2][]byte

	mu   sync.Mutex
	free []*patternImage
}

// patternPoolSize is how many released images are kept for reuse.
const patternPoolSize = 4

func newPatternRenderer(w, h, fps int) *patternRenderer {
	r := &patternRenderer{w: w, h: h, fps: fps}
	r.barsH = even(h * 7 / 12)
	progH := max(2, even(h/36))
	r.progR = image.Rect(0, r.barsH, w, min(h, r.barsH+progH))
	r.boxW = max(2, even(min(r.barsH/3, w/6)))
	r.line[0] = make([]byte, 0, 16)
	r.line[1] = make([]byte, 0, 16)
	// Two lines of 12 and 8 cells, 2 dots apart, with a margin of 2 dots.
	textTop := r.progR.Max.Y
	scale := max(1, min((h-textTop)/(2*glyphH+2+2*2), w/(12*glyphCellW+2)))
	r.text = newBigText(scale, yWhite, yBlack)
	for i, n := range [2]int{12, 8} {
		r.lineX[i] = (w - n*r.text.cellWidth() + scale) / 2
		r.lineY[i] = textTop + 2*scale + i*(glyphH+2)*scale
	}
	r.bg = r.background()
	return r
}

func even(v int) int { return v &^ 1 }

// background renders the parts that never change.
func (r *patternRenderer) background() *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, r.w, r.h), image.YCbCrSubsampleRatio420)
	fillRect(img, img.Rect, yBlack, cNeutral, cNeutral)
	for i, c := range bars75 {
		x0, x1 := even(r.w*i/len(bars75)), even(r.w*(i+1)/len(bars75))
		if i == len(bars75)-1 {
			x1 = r.w
		}
		fillRect(img, image.Rect(x0, 0, x1, r.barsH), c[0], c[1], c[2])
	}
	return img
}

// get hands out a pooled image, or a new one when all are in use.
func (r *patternRenderer) get() *patternImage {
	r.mu.Lock()
	if n := len(r.free); n > 0 {
		pi := r.free[n-1]
		r.free = r.free[:n-1]
		r.mu.Unlock()
		return pi
	}
	r.mu.Unlock()
	pi := &patternImage{img: image.NewYCbCr(r.bg.Rect, image.YCbCrSubsampleRatio420)}
	r.reset(pi)
	return pi
}

// put returns an image to the pool.
func (r *patternRenderer) put(pi *patternImage) {
	r.mu.Lock()
	if len(r.free) < patternPoolSize {
		r.free = append(r.free, pi)
	}
	r.mu.Unlock()
}

// reset makes pi a copy of the background.
func (r *patternRenderer) reset(pi *patternImage) {
	copy(pi.img.Y, r.bg.Y)
	copy(pi.img.Cb, r.bg.Cb)
	copy(pi.img.Cr, r.bg.Cr)
	pi.white, pi.box, pi.prog = false, image.Rectangle{}, 0
	pi.text[0], pi.text[1] = pi.text[0][:0], pi.text[1][:0]
}

// render draws frame n, whose time is t, into a pooled image.
func (r *patternRenderer) render(n int64, t time.Duration) *patternImage {
	pi := r.get()
	fps := int64(r.fps)
	if n%fps == 0 {
		fillRect(pi.img, pi.img.Rect, yWhite, cNeutral, cNeutral)
		pi.white = true
		return pi
	}
	if pi.white {
		r.reset(pi)
	}
	// The box slides across in one second and back in the next.
	pos := n % (2 * fps)
	if pos > fps {
		pos = 2*fps - pos
	}
	bx := even(int(int64(r.w-r.boxW) * pos / fps))
	by := even((r.barsH - r.boxW) / 2)
	box := image.Rect(bx, by, bx+r.boxW, by+r.boxW).Intersect(pi.img.Rect)
	if box != pi.box {
		copyRect(pi.img, r.bg, pi.box)
		fillRect(pi.img, box, yWhite, cNeutral, cNeutral)
		pi.box = box
	}
	// The progress bar grows through each second.
	prog := even(int(int64(r.w) * (n % fps) / fps))
	if prog > pi.prog {
		fillRect(pi.img, image.Rect(pi.prog, r.progR.Min.Y, prog, r.progR.Max.Y), yBar, cNeutral, cNeutral)
	} else if prog < pi.prog {
		copyRect(pi.img, r.bg, image.Rect(prog, r.progR.Min.Y, pi.prog, r.progR.Max.Y))
	}
	pi.prog = prog
	r.line[0] = appendClock(r.line[0][:0], t)
	r.line[1] = appendCounter(r.line[1][:0], n)
	for i := range r.line {
		r.drawLine(pi, i)
	}
	return pi
}

// drawLine redraws the cells of text line i that differ from what pi shows.
func (r *patternRenderer) drawLine(pi *patternImage, i int) {
	now, was := r.line[i], pi.text[i]
	img := pi.img
	cw := r.text.cellWidth()
	for j, c := range now {
		if j < len(was) && was[j] == c {
			continue
		}
		r.text.drawCell(img.Y, img.YStride, r.w, r.h, r.lineX[i]+j*cw, r.lineY[i], c)
	}
	for j := len(now); j < len(was); j++ {
		r.text.drawCell(img.Y, img.YStride, r.w, r.h, r.lineX[i]+j*cw, r.lineY[i], ' ')
	}
	pi.text[i] = append(pi.text[i][:0], now...)
}

// appendClock appends t as HH:MM:SS.mmm.
func appendClock(b []byte, t time.Duration) []byte {
	ms := int64(t / time.Millisecond)
	b = appendPadded(b, ms/3600000, 2)
	b = append(b, ':')
	b = appendPadded(b, ms/60000%60, 2)
	b = append(b, ':')
	b = appendPadded(b, ms/1000%60, 2)
	b = append(b, '.')
	return appendPadded(b, ms%1000, 3)
}

// appendCounter appends the frame number as #NNNNNNN.
func appendCounter(b []byte, n int64) []byte {
	return appendPadded(append(b, '#'), n, 7)
}

// appendPadded appends v in decimal with at least width digits.
func appendPadded(b []byte, v int64, width int) []byte {
	var d [20]byte
	i := len(d)
	for v > 0 || len(d)-i < width {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[i:]...)
}
