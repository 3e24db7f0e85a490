package encode

import (
	"errors"
	"image"
	"image/color"
	"testing"

	"github.com/asticode/go-astiav"
)

func near(a, b uint8, tol int) bool {
	d := int(a) - int(b)
	return d >= -tol && d <= tol
}

// solidYCbCr is a w×h 4:2:0 image of one video-range colour.
func solidYCbCr(w, h int, y, cb, cr uint8) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for i := range m.Y {
		m.Y[i] = y
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = cb, cr
	}
	return m
}

func TestPreviewScalerReadsBT709AndReusesItsBuffer(t *testing.T) {
	p := NewPreviewScaler(160, 90)
	defer p.Close()
	// BT.709 video-range red.
	out, err := p.Scale(solidYCbCr(1280, 720, 63, 102, 240))
	if err != nil {
		t.Fatal(err)
	}
	if out.Rect.Dx() != 160 || out.Rect.Dy() != 90 {
		t.Fatalf("preview is %v", out.Rect)
	}
	if c := out.RGBAAt(80, 45); !near(c.R, 255, 3) || !near(c.G, 0, 3) || !near(c.B, 0, 3) || c.A != 255 {
		t.Fatalf("BT.709 red previewed as %v", c)
	}
	again, err := p.Scale(solidRGBA(320, 200, color.RGBA{0, 0, 255, 255}))
	if err != nil {
		t.Fatal(err)
	}
	if again != out {
		t.Fatal("Scale allocated a new output image")
	}
	if c := again.RGBAAt(10, 10); !near(c.B, 255, 2) || !near(c.R, 0, 2) {
		t.Fatalf("blue previewed as %v", c)
	}
	p.Close()
	p.Close()
	if _, err := p.Scale(out); !errors.Is(err, ErrClosed) {
		t.Fatalf("Scale after Close: %v", err)
	}
}

func TestScaleRGBToBT709VideoRange(t *testing.T) {
	s := newSwscaler(64, 64, astiav.PixelFormatYuv420P, false)
	defer s.free()
	f := astiav.AllocFrame()
	defer f.Free()
	f.SetWidth(64)
	f.SetHeight(64)
	f.SetPixelFormat(astiav.PixelFormatYuv420P)
	if err := f.AllocBuffer(0); err != nil {
		t.Fatal(err)
	}
	check := func(img image.Image, y, u, v uint8) {
		t.Helper()
		if err := s.toFrame(img, f); err != nil {
			t.Fatal(err)
		}
		b, err := f.Data().Bytes(1)
		if err != nil {
			t.Fatal(err)
		}
		gy, gu, gv := b[64*32+32], b[64*64+32*16+16], b[64*64+32*32+32*16+16]
		if !near(gy, y, 1) || !near(gu, u, 1) || !near(gv, v, 1) {
			t.Fatalf("%T gave Y/U/V %d/%d/%d, want %d/%d/%d", img, gy, gu, gv, y, u, v)
		}
	}
	check(solidRGBA(100, 80, color.RGBA{255, 0, 0, 255}), 63, 102, 240) // BT.709, not BT.601's 81/90/240
	check(solidRGBA(64, 64, color.RGBA{255, 255, 255, 255}), 235, 128, 128)
	check(solidYCbCr(64, 64, 50, 60, 70), 50, 60, 70) // video-range YUV passes through
	if s.builds != 3 {
		t.Fatalf("%d swscale contexts for 3 source geometries", s.builds)
	}
	if err := s.toFrame(image.NewRGBA(image.Rect(0, 0, 0, 0)), f); !errors.Is(err, ErrUnsupportedInput) {
		t.Fatalf("empty image: %v", err)
	}
}

func TestAstiavShimLayout(t *testing.T) {
	if err := shimCheck(); err != nil {
		t.Fatal(err)
	}
}
