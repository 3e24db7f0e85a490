package capture

import "image"

// Helpers for 4:2:0 images. Rectangles should have even corners so that
// luma and chroma cover the same pixels.

// chromaRect is the 4:2:0 chroma rectangle that covers luma rectangle r.
func chromaRect(r image.Rectangle) image.Rectangle {
	return image.Rect(r.Min.X/2, r.Min.Y/2, (r.Max.X+1)/2, (r.Max.Y+1)/2)
}

// fillRect paints r (clipped to img) with one colour.
func fillRect(img *image.YCbCr, r image.Rectangle, y, cb, cr byte) {
	r = r.Intersect(img.Rect)
	if r.Empty() {
		return
	}
	fillPlane(img.Y, img.YStride, r, y)
	c := chromaRect(r)
	fillPlane(img.Cb, img.CStride, c, cb)
	fillPlane(img.Cr, img.CStride, c, cr)
}

func fillPlane(p []byte, stride int, r image.Rectangle, v byte) {
	first := p[r.Min.Y*stride+r.Min.X : r.Min.Y*stride+r.Max.X]
	for i := range first {
		first[i] = v
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		copy(p[y*stride+r.Min.X:y*stride+r.Max.X], first)
	}
}

// copyRect copies r (clipped to both) from src to dst; both are 4:2:0 with
// the same geometry and origin (0, 0).
func copyRect(dst, src *image.YCbCr, r image.Rectangle) {
	r = r.Intersect(dst.Rect).Intersect(src.Rect)
	if r.Empty() {
		return
	}
	copyPlane(dst.Y, src.Y, dst.YStride, src.YStride, r)
	c := chromaRect(r)
	copyPlane(dst.Cb, src.Cb, dst.CStride, src.CStride, c)
	copyPlane(dst.Cr, src.Cr, dst.CStride, src.CStride, c)
}

func copyPlane(dst, src []byte, dstStride, srcStride int, r image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(dst[y*dstStride+r.Min.X:y*dstStride+r.Max.X], src[y*srcStride+r.Min.X:y*srcStride+r.Max.X])
	}
}
