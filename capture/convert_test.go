package capture

import (
	"encoding/binary"
	"image"
	"math"
	"testing"

	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

func videoPropsForTest() []prop.Media {
	var out []prop.Media
	for _, m := range []struct {
		w, h int
		fps  float32
		f    frame.Format
	}{
		{640, 480, 30, frame.FormatYUYV}, {1280, 720, 10, frame.FormatYUYV},
		{1280, 720, 30, frame.FormatMJPEG}, {1280, 720, 60, frame.FormatMJPEG},
		{1920, 1080, 30, frame.FormatMJPEG}, {1920, 1080, 5, frame.FormatYUYV},
	} {
		out = append(out, prop.Media{Video: prop.Video{Width: m.w, Height: m.h, FrameRate: m.fps, FrameFormat: m.f}})
	}
	return out
}

func TestCopyFrameYCbCr(t *testing.T) {
	var pool imagePool
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio444,
	} {
		src := image.NewYCbCr(image.Rect(0, 0, 8, 4), ratio)
		for i := range src.Y {
			src.Y[i] = byte(i)
		}
		for y := 0; y < 4; y++ {
			for x := 0; x < 8; x++ {
				o := src.COffset(x, y)
				src.Cb[o], src.Cr[o] = byte(10*y), byte(100+x)
			}
		}
		dst, ok := pool.copyFrame(src).(*image.YCbCr)
		if !ok || dst.SubsampleRatio != image.YCbCrSubsampleRatio420 || dst.Rect != src.Rect {
			t.Fatalf("%v: got %T", ratio, dst)
		}
		for i := 0; i < 32; i++ {
			if dst.Y[i] != byte(i) {
				t.Fatalf("%v: Y[%d] = %d", ratio, i, dst.Y[i])
			}
		}
		// Chroma row 1 covers source rows 2 and 3.
		o := dst.COffset(2, 2)
		so := src.COffset(2, 2)
		wantCb, wantCr := src.Cb[so], src.Cr[so]
		if ratio == image.YCbCrSubsampleRatio422 {
			wantCb = 25 // the average of rows 2 and 3
		}
		if dst.Cb[o] != wantCb || dst.Cr[o] != wantCr {
			t.Errorf("%v: chroma at (2,2) = %d,%d, want %d,%d", ratio, dst.Cb[o], dst.Cr[o], wantCb, wantCr)
		}
		pool.put(dst)
	}
	// Screens: RGBA is copied as RGBA, and the pool reuses images.
	src := image.NewRGBA(image.Rect(0, 0, 4, 2))
	src.Pix[5] = 77
	a := pool.copyFrame(src).(*image.RGBA)
	if a.Pix[5] != 77 || a == src {
		t.Error("RGBA copy")
	}
	pool.put(a)
	if b := pool.copyFrame(src); b != image.Image(a) {
		t.Error("the pool did not reuse a released image")
	}
}

func TestAppendWave(t *testing.T) {
	info := wave.ChunkInfo{Len: 3, Channels: 2, SamplingRate: 48000}
	i16 := wave.NewInt16Interleaved(info)
	n16 := wave.NewInt16NonInterleaved(info)
	f32 := wave.NewFloat32Interleaved(info)
	n32 := wave.NewFloat32NonInterleaved(info)
	for i := 0; i < 3; i++ {
		for ch := 0; ch < 2; ch++ {
			v := int16(1000*i + ch)
			i16.SetInt16(i, ch, wave.Int16Sample(v))
			n16.SetInt16(i, ch, wave.Int16Sample(v))
			f32.SetFloat32(i, ch, wave.Float32Sample(float32(v)/32768))
			n32.SetFloat32(i, ch, wave.Float32Sample(float32(v)/32768))
		}
	}
	buf := make([]byte, 0, 64)
	for _, a := range []wave.Audio{i16, n16, f32, n32} {
		out, format := appendWave(buf[:0], a)
		if len(out) != 3*2*format.BytesPerSample() {
			t.Fatalf("%T: %d bytes", a, len(out))
		}
		for i := 0; i < 3; i++ {
			for ch := 0; ch < 2; ch++ {
				k := i*2 + ch
				var got float64
				if format == S16 {
					got = float64(int16(binary.LittleEndian.Uint16(out[2*k:])))
				} else {
					got = float64(math.Float32frombits(binary.LittleEndian.Uint32(out[4*k:]))) * 32768
				}
				if want := float64(1000*i + ch); math.Abs(got-want) > 0.01 {
					t.Errorf("%T sample %d ch %d = %v, want %v", a, i, ch, got, want)
				}
			}
		}
		if &out[0] != &buf[:1][0] {
			t.Errorf("%T: the buffer was not reused", a)
		}
	}
}
