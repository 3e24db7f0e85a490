package encode

import (
	"image"
	"image/color"
	"testing"
)

// sampleAt returns out's Y, Cb and Cr at (x, y).
func sampleAt(out *image.YCbCr, x, y int) [3]int {
	return [3]int{int(out.Y[out.YOffset(x, y)]), int(out.Cb[out.COffset(x, y)]), int(out.Cr[out.COffset(x, y)])}
}

func nearYCbCr(got, want [3]int, tol int) bool {
	for i := range got {
		if d := got[i] - want[i]; d < -tol || d > tol {
			return false
		}
	}
	return true
}

func TestCompositorLaysLayersInOrderWithAlphaAndOpacity(t *testing.T) {
	c, err := NewCompositor(320, 240, 30)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	green := solidYCbCr(64, 48, 145, 54, 34)         // BT.709 video-range green
	logo := image.NewNRGBA(image.Rect(0, 0, 40, 40)) // left half opaque white, right half clear
	for y := 0; y < 40; y++ {
		for x := 0; x < 20; x++ {
			logo.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
		}
	}
	c.SetLayers([]CompositorLayer{
		{Rect: image.Rect(0, 0, 160, 120), Opacity: 1},                     // green scaled up 2.5x
		{Rect: image.Rect(200, 100, 280, 180), Opacity: 1, Static: true},   // the logo at 2x
		{Rect: image.Rect(100, 160, 200, 220), Opacity: 0.5, Static: true}, // white at half opacity
	})
	white := solidYCbCr(16, 16, 235, 128, 128)
	out := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
	check := func(name string, x, y int, want [3]int) {
		t.Helper()
		if got := sampleAt(out, x, y); !nearYCbCr(got, want, 3) {
			t.Errorf("%s at (%d,%d) = %v, want %v ±3", name, x, y, got, want)
		}
	}
	for frame := 0; frame < 3; frame++ {
		if err := c.Compose([]image.Image{green, logo, white}, out); err != nil {
			t.Fatal(err)
		}
		check("green layer", 80, 60, [3]int{145, 54, 34})
		check("canvas", 300, 20, [3]int{16, 128, 128})
		check("logo's opaque half", 220, 140, [3]int{235, 128, 128})
		check("logo's clear half", 260, 140, [3]int{16, 128, 128})
		check("white at half opacity", 150, 190, [3]int{126, 128, 128})
	}
	if c.Builds() != 1 {
		t.Errorf("%d graphs for three identical frames, want 1", c.Builds())
	}
	// The green layer loses its picture: the canvas shows through, and
	// the static layers are still there.
	if err := c.Compose([]image.Image{nil, logo, white}, out); err != nil {
		t.Fatal(err)
	}
	check("hidden layer", 80, 60, [3]int{16, 128, 128})
	check("logo after a rebuild", 220, 140, [3]int{235, 128, 128})
	if c.Builds() != 2 {
		t.Errorf("%d graphs after a layer was hidden, want 2", c.Builds())
	}
	// A new picture in the live layer shows at once.
	red := solidYCbCr(64, 48, 63, 102, 240)
	if err := c.Compose([]image.Image{red, logo, white}, out); err != nil {
		t.Fatal(err)
	}
	check("live layer's new picture", 80, 60, [3]int{63, 102, 240})
	// No layers at all: the canvas alone.
	c.SetLayers(nil)
	if err := c.Compose(nil, out); err != nil {
		t.Fatal(err)
	}
	check("the empty scene's canvas", 80, 60, [3]int{16, 128, 128})
}

func TestCompositorScalesSubImagesAndRejectsBadInput(t *testing.T) {
	if _, err := NewCompositor(321, 240, 30); err == nil {
		t.Error("an odd canvas width was accepted")
	}
	c, err := NewCompositor(64, 64, 25)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Left half black, right half white; a sub-image (a crop) shows only the right.
	pic := solidYCbCr(32, 32, 16, 128, 128)
	for y := 0; y < 32; y++ {
		for x := 16; x < 32; x++ {
			pic.Y[pic.YOffset(x, y)] = 235
		}
	}
	c.SetLayers([]CompositorLayer{{Rect: image.Rect(0, 0, 64, 64), Opacity: 1}})
	out := image.NewYCbCr(image.Rect(0, 0, 64, 64), image.YCbCrSubsampleRatio420)
	if err := c.Compose([]image.Image{pic.SubImage(image.Rect(16, 0, 32, 32))}, out); err != nil {
		t.Fatal(err)
	}
	if got := sampleAt(out, 4, 32); !nearYCbCr(got, [3]int{235, 128, 128}, 3) {
		t.Errorf("cropped layer's left edge = %v, want white", got)
	}
	if err := c.Compose(nil, out); err == nil {
		t.Error("compose took no pictures for one layer")
	}
	small := image.NewYCbCr(image.Rect(0, 0, 32, 32), image.YCbCrSubsampleRatio420)
	if err := c.Compose([]image.Image{pic}, small); err == nil {
		t.Error("compose wrote into a picture of the wrong size")
	}
	c.Close()
	if err := c.Compose([]image.Image{pic}, out); err == nil {
		t.Error("compose after Close did not fail")
	}
}
