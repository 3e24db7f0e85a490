package encode

import (
	"image"
	"image/color"
)

// movingYCbCr renders frame i of a synthetic scene at w×h, 4:2:0: a
// scrolling luma gradient, slow chroma ramps, a textured band that moves
// and a bright box crossing the picture. Consecutive frames differ the way
// camera content does (motion, not noise), so encoder timings are
// representative.
func movingYCbCr(w, h, i int) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	boxW, boxH := w/6, h/5
	boxX := (i * w / 45) % (w - boxW)
	boxY := h/2 - boxH/2 + (i%20-10)*h/200
	bandY0, bandY1 := h/8, h/8+h/6
	for y := range h {
		row := m.Y[y*m.YStride : y*m.YStride+w]
		inBand := y >= bandY0 && y < bandY1
		for x := range w {
			v := 16 + ((x+y+i*4)*219/(w+h))%220
			if inBand {
				v = 60 + int(hash32(uint32((x+i*3)/4), uint32(y/4))%120)
			}
			if x >= boxX && x < boxX+boxW && y >= boxY && y < boxY+boxH {
				v = 220
			}
			row[x] = uint8(v)
		}
	}
	cw, ch := (w+1)/2, (h+1)/2
	for y := range ch {
		for x := range cw {
			m.Cb[y*m.CStride+x] = uint8(64 + (x*128/cw+i)%128)
			m.Cr[y*m.CStride+x] = uint8(64 + (y*128/ch+2*i)%128)
		}
	}
	return m
}

// movingFrames pre-renders n distinct frames of the scene.
func movingFrames(w, h, n int) []*image.YCbCr {
	out := make([]*image.YCbCr, n)
	for i := range out {
		out[i] = movingYCbCr(w, h, i)
	}
	return out
}

// movingRGBA renders an RGBA variant of the scene (for conversion paths).
func movingRGBA(w, h, i int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{uint8(x + i*5), uint8(y + i*3), uint8(x ^ y), 255})
		}
	}
	return m
}

// solidRGBA is a w×h image of one colour.
func solidRGBA(w, h int, c color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return m
}

// hash32 is a small deterministic integer hash (texture without randomness).
func hash32(a, b uint32) uint32 {
	h := a*0x9e3779b1 ^ b*0x85ebca77
	h ^= h >> 15
	h *= 0xc2b2ae3d
	h ^= h >> 13
	return h
}
