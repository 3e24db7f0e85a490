package capture

// A tiny 5x7 bitmap font for the test pattern's clock and frame counter,
// drawn straight into the Y plane at an integer scale.

const (
	glyphW     = 5 // dots per glyph row
	glyphH     = 7 // rows per glyph
	glyphCellW = glyphW + 1
)

// glyphs holds one row per byte, the leftmost dot in bit 4.
var glyphs = map[byte][glyphH]byte{
	'0': {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E},
	'1': {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},
	'2': {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F},
	'3': {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},
	'4': {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02},
	'5': {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},
	'6': {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E},
	'7': {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
	'8': {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E},
	'9': {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},
	':': {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00},
	'.': {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C},
	'#': {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A},
	' ': {},
}

// glyphTable is glyphs as a flat array, so drawing does no map lookups.
var glyphTable = func() (t [256][glyphH]byte) {
	for c, g := range glyphs {
		t[c] = g
	}
	return t
}()

// bigText draws characters as cells of glyphCellW x glyphH dots, each dot
// scale x scale pixels, into one 8-bit plane. Every pixel of a cell is
// written (foreground or background), so a cell never needs clearing first.
type bigText struct {
	scale  int
	fg, bg byte
	row    []byte // one scanline of a cell, reused
}

func newBigText(scale int, fg, bg byte) *bigText {
	return &bigText{scale: scale, fg: fg, bg: bg, row: make([]byte, glyphCellW*scale)}
}

// cellWidth is the width in pixels of one character cell.
func (b *bigText) cellWidth() int { return glyphCellW * b.scale }

// height is the height in pixels of a line.
func (b *bigText) height() int { return glyphH * b.scale }

// drawCell draws character c with its top-left corner at (x0, y0) into
// plane (stride bytes a row, w x h pixels), clipping at the plane's edges.
func (b *bigText) drawCell(plane []byte, stride, w, h, x0, y0 int, c byte) {
	s := b.scale
	cw := b.cellWidth()
	lo, hi := max(x0, 0), min(x0+cw, w)
	if lo >= hi {
		return
	}
	g := &glyphTable[c]
	for gy := 0; gy < glyphH; gy++ {
		bits := g[gy]
		for gx := 0; gx < glyphCellW; gx++ {
			v := b.bg
			if gx < glyphW && bits&(0x10>>gx) != 0 {
				v = b.fg
			}
			seg := b.row[gx*s : (gx+1)*s]
			for i := range seg {
				seg[i] = v
			}
		}
		span := b.row[lo-x0 : hi-x0]
		for dy := 0; dy < s; dy++ {
			y := y0 + gy*s + dy
			if y < 0 || y >= h {
				continue
			}
			copy(plane[y*stride+lo:], span)
		}
	}
}
