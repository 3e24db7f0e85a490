//go:build interop

package main

import "image"

// changedPixels counts the pixels of area that differ between a and b.
func changedPixels(a, b image.Image, area image.Rectangle) (changed, total int) {
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if absDiff(r1, r2)+absDiff(g1, g2)+absDiff(b1, b2) > 3*0x800 {
				changed++
			}
			total++
		}
	}
	return changed, total
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
