package capture

import (
	"image"
	"math"
	"slices"
	"testing"
	"time"

	// Pion's fake camera and microphone, registered only in this test
	// binary, stand in for devices this machine does not have.
	_ "github.com/pion/mediadevices/pkg/driver/audiotest"
	_ "github.com/pion/mediadevices/pkg/driver/videotest"
)

func TestPionCamera(t *testing.T) {
	checkGoroutines(t) // not parallel: it counts goroutines
	clock := NewClock()
	src, err := OpenVideo("camera:VideoTest", VideoConstraints{Width: 1280, Height: 720, FPS: 30}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var last time.Duration
	for i := 0; i < 10; i++ {
		before := clock.Now()
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		img, ok := f.Image.(*image.YCbCr)
		// The fake offers only 640x480 YUYV (4:2:2); we hand out 4:2:0.
		if !ok || img.Rect != image.Rect(0, 0, 640, 480) || img.SubsampleRatio != image.YCbCrSubsampleRatio420 {
			t.Fatalf("got %T %v", f.Image, f.Image.Bounds())
		}
		if f.Time <= last || f.Time > clock.Now() || (i > 0 && f.Time < before-50*time.Millisecond) {
			t.Errorf("frame %d time %v (previous %v, read at %v)", i, f.Time, last, before)
		}
		last = f.Time
		f.Release()
	}
	// The device is busy while open and is listed with its cached modes.
	devs, _ := ListDevices(nil)
	i := slices.IndexFunc(devs, func(d Device) bool { return d.Spec == "camera:VideoTest" })
	if i < 0 || len(devs[i].Modes) != 1 || devs[i].Modes[0] != (Mode{640, 480, 30}) {
		t.Errorf("listing while open: %+v", devs)
	}
	if _, err := OpenVideo("camera:VideoTest", VideoConstraints{Width: 640, Height: 480, FPS: 30}, clock, nil); err == nil {
		t.Error("opened the same camera twice")
	}
	closeWhileReading(t, func() error { f, err := src.Read(); f.Release(); return err }, src.Close)
	// Closed, the camera opens again.
	src, err = OpenVideo("camera", VideoConstraints{Width: 640, Height: 480, FPS: 30}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPionMicrophone(t *testing.T) {
	checkGoroutines(t) // not parallel: it counts goroutines
	clock := NewClock()
	src, err := OpenAudio("mic:AudioTest", AudioConstraints{SampleRate: 48000, Channels: 2}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for i := 0; i < 5; i++ {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		// The fake makes 20 ms of float stereo at a time.
		if f.Format != F32 || f.Rate != 48000 || f.Channels != 2 || f.Samples != 960 || len(f.Data) != 960*2*4 {
			t.Fatalf("buffer %d: %v %d Hz %d ch %d samples %d bytes", i, f.Format, f.Rate, f.Channels, f.Samples, len(f.Data))
		}
		if now := clock.Now(); f.Time > now-f.Duration() || f.Time < now-time.Second {
			t.Errorf("buffer %d: time %v, read at %v", i, f.Time, now)
		}
	}
	closeWhileReading(t, func() error { _, err := src.Read(); return err }, src.Close)
}

// TestPionNullMicrophone uses miniaudio's null backend, the real pion
// microphone driver, when it is the only audio device (as on CI).
func TestPionNullMicrophone(t *testing.T) {
	if _, err := findPionDevice(KindMicrophone, nullMicID); err != nil {
		t.Skip("no miniaudio null device here")
	}
	checkGoroutines(t)
	clock := NewClock()
	src, err := OpenAudio("mic:"+nullMicID, AudioConstraints{}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var samples int
	start := time.Now()
	for samples < 48000/10 {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		if f.Rate != 48000 || f.Channels != 2 || len(f.Data) != f.Samples*2*f.Format.BytesPerSample() {
			t.Fatalf("buffer: %v %d Hz %d ch %d samples %d bytes", f.Format, f.Rate, f.Channels, f.Samples, len(f.Data))
		}
		samples += f.Samples
	}
	t.Logf("read %d samples in %v", samples, time.Since(start))
	closeWhileReading(t, func() error { _, err := src.Read(); return err }, src.Close)
}

func TestBestVideoProp(t *testing.T) {
	props := videoPropsForTest()
	for _, tc := range []struct {
		c    VideoConstraints
		want [3]float64
	}{
		{VideoConstraints{1920, 1080, 30}, [3]float64{1920, 1080, 30}},
		{VideoConstraints{1280, 720, 60}, [3]float64{1280, 720, 60}},
		{VideoConstraints{1280, 720, 25}, [3]float64{1280, 720, 30}},
		{VideoConstraints{1000, 560, 30}, [3]float64{1280, 720, 30}},
	} {
		p, ok := bestVideoProp(props, tc.c)
		got := [3]float64{float64(p.Width), float64(p.Height), math.Round(float64(p.FrameRate))}
		if !ok || got != tc.want {
			t.Errorf("%+v: chose %v, want %v", tc.c, got, tc.want)
		}
	}
	if _, ok := bestVideoProp(nil, VideoConstraints{640, 480, 30}); ok {
		t.Error("chose a mode from none")
	}
}
