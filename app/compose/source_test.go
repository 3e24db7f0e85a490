package compose

import (
	"errors"
	"image"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/capture"
)

// opener counts what a Source opens and closes through capture, and can
// hand out a source that ends after its first frame.
type opener struct {
	unpluggable *whiteCamera
	mu          sync.Mutex
	opened      map[string]int
	closed      map[string]int
}

func newOpener() *opener {
	return &opener{opened: map[string]int{}, closed: map[string]int{}, unpluggable: newWhiteCamera()}
}

func (o *opener) open(spec string, c capture.VideoConstraints, clock *capture.Clock, log *slog.Logger) (capture.VideoSource, error) {
	o.mu.Lock()
	o.opened[spec]++
	o.mu.Unlock()
	if spec == "camera:ends" {
		return o.unpluggable, nil
	}
	src, err := capture.OpenVideo(spec, c, clock, log)
	if err != nil {
		return nil, err
	}
	return &counted{VideoSource: src, close: func() {
		o.mu.Lock()
		o.closed[spec]++
		o.mu.Unlock()
	}}, nil
}

func (o *opener) counts(spec string) (opened, closed int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.opened[spec], o.closed[spec]
}

type counted struct {
	capture.VideoSource
	close func()
	once  sync.Once
}

func (c *counted) Close() error {
	c.once.Do(c.close)
	return c.VideoSource.Close()
}

// whiteCamera gives a white frame every 10 ms until it is unplugged,
// then fails.
type whiteCamera struct {
	pic    *image.YCbCr
	unplug chan struct{}
	done   chan struct{}
	once   sync.Once
}

func newWhiteCamera() *whiteCamera {
	pic := image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420)
	for i := range pic.Y {
		pic.Y[i] = 235
	}
	for i := range pic.Cb {
		pic.Cb[i], pic.Cr[i] = 128, 128
	}
	return &whiteCamera{pic: pic, unplug: make(chan struct{}), done: make(chan struct{})}
}

func (s *whiteCamera) Read() (capture.VideoFrame, error) {
	select {
	case <-s.unplug:
		return capture.VideoFrame{}, errors.New("the camera was unplugged")
	case <-s.done:
		return capture.VideoFrame{}, capture.ErrClosed
	case <-time.After(10 * time.Millisecond):
		return capture.NewVideoFrame(s.pic, 0, nil), nil
	}
}

func (s *whiteCamera) Close() error {
	s.once.Do(func() { close(s.done) })
	return nil
}

func lumaAt(t *testing.T, f capture.VideoFrame, x, y int) int {
	t.Helper()
	m, ok := f.Image.(*image.YCbCr)
	if !ok {
		t.Fatalf("composed frame is %T, want *image.YCbCr", f.Image)
	}
	return int(m.Y[m.YOffset(x, y)])
}

func readFrame(t *testing.T, s *Source) capture.VideoFrame {
	t.Helper()
	f, err := s.Read()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSourceComposesCutsAndSharesSources(t *testing.T) {
	o := newOpener()
	clock := capture.NewClock()
	blueWithPattern := scene.Scene{Name: "A", Layers: []scene.Layer{
		{Name: "bg", Source: scene.Source{Kind: scene.KindColor, Color: "#0000FF"}, Place: scene.Full},
		{Name: "pattern", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Box{X: 0.5, Y: 0.5, W: 0.5, H: 0.5}},
	}}
	s, err := Open(blueWithPattern, Config{Width: 320, Height: 240, FPS: 30, Clock: clock, OpenVideo: o.open})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var last time.Duration = -1
	for i := 0; i < 3; i++ {
		f := readFrame(t, s)
		if f.Time <= last {
			t.Errorf("frame %d at %v, after %v", i, f.Time, last)
		}
		last = f.Time
		if y := lumaAt(t, f, 40, 40); y < 28 || y > 36 { // BT.709 blue: Y 32
			t.Errorf("background luma %d, want blue's 32±4", y)
		}
		f.Release()
	}
	// The same pattern in another place of the next scene is another size,
	// so another source; the same place shares the one that is open.
	sharing := scene.Scene{Name: "B", Layers: []scene.Layer{
		{Name: "bg", Source: scene.Source{Kind: scene.KindColor, Color: "#FFFFFF"}, Place: scene.Full},
		{Name: "pattern", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Box{X: 0.5, Y: 0.5, W: 0.5, H: 0.5}},
	}}
	if err := s.SetScene(sharing); err != nil {
		t.Fatal(err)
	}
	f := readFrame(t, s)
	if y := lumaAt(t, f, 40, 40); y < 231 {
		t.Errorf("after the cut the background's luma is %d, want white's 235", y)
	}
	f.Release()
	if opened, closed := o.counts("test"); opened != 1 || closed != 0 {
		t.Errorf("the shared test pattern was opened %d and closed %d times, want 1 and 0", opened, closed)
	}
	if s.Scene().Name != "B" {
		t.Errorf("Scene() = %q after the cut, want B", s.Scene().Name)
	}
	// A scene without the pattern closes it after the cut.
	if err := s.SetScene(scene.Scene{Name: "C", Layers: []scene.Layer{
		{Name: "bg", Source: scene.Source{Kind: scene.KindColor, Color: "#000000"}, Place: scene.Full},
	}}); err != nil {
		t.Fatal(err)
	}
	f = readFrame(t, s)
	f.Release()
	waitFor(t, "the test pattern to close", func() bool { _, closed := o.counts("test"); return closed == 1 })
	// A scene that cannot be drawn leaves the current one on air.
	if err := s.SetScene(scene.Scene{Name: "bad", Layers: []scene.Layer{
		{Name: "logo", Source: scene.Source{Kind: scene.KindImage, Path: "/nonexistent.png"}, Place: scene.Full},
	}}); err == nil {
		t.Error("a scene with a missing image was switched to")
	}
	if s.Scene().Name != "C" {
		t.Errorf("after a failed switch the scene is %q, want C", s.Scene().Name)
	}
}

func TestSourceHoldsThenHidesAStalledLayer(t *testing.T) {
	o := newOpener()
	clock := capture.NewClock()
	hold := 150 * time.Millisecond
	s, err := Open(scene.Scene{Name: "cam", Layers: []scene.Layer{
		{Name: "camera", Source: scene.Source{Kind: scene.KindCamera, Device: "ends"}, Place: scene.Full},
	}}, Config{Width: 64, Height: 48, FPS: 30, Clock: clock, OpenVideo: o.open, HoldFor: hold})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// While the camera delivers, its layer shows; after it is unplugged,
	// the last picture stays for hold, then the layer hides and the
	// canvas (black) shows, while frames keep coming.
	sawWhite, hidden := false, false
	for i := 0; i < 600 && !hidden; i++ { // 20 s of frames at most
		f := readFrame(t, s)
		y := lumaAt(t, f, 32, 24)
		f.Release()
		switch {
		case y > 230 && !sawWhite:
			sawWhite = true
			close(o.unpluggable.unplug)
		case sawWhite && y < 20:
			hidden = true
		}
	}
	if !sawWhite {
		t.Error("the camera's picture was never shown")
	}
	if !hidden {
		t.Error("the unplugged camera's layer never hid")
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestSourceFadesFrameByFrame(t *testing.T) {
	clock := capture.NewClock()
	colour := func(name, c string) scene.Scene {
		return scene.Scene{Name: name, Layers: []scene.Layer{
			{Name: "bg", Source: scene.Source{Kind: scene.KindColor, Color: c}, Place: scene.Full}}}
	}
	s, err := Open(colour("black", "#000000"), Config{Width: 64, Height: 48, FPS: 30, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := readFrame(t, s)
	f.Release()
	if err := s.Switch(colour("white", "#FFFFFF"), time.Second); err != nil { // 30 frames at 30 fps
		t.Fatal(err)
	}
	if err := s.Switch(colour("x", "#FFFFFF"), MaxFade+time.Second); err == nil {
		t.Error("a fade longer than MaxFade was accepted")
	}
	// Black is 16 and white 235: the fade's frames lie between and rise,
	// then the new scene stays. (A reader kept from running for over 0.1 s
	// skips a few frames, so the test asks for most steps, not all.)
	var lumas []int
	for i := 0; i < 40; i++ {
		f := readFrame(t, s)
		lumas = append(lumas, lumaAt(t, f, 32, 24))
		f.Release()
	}
	between := 0
	for i, y := range lumas {
		if i > 0 && y < lumas[i-1] {
			t.Errorf("luma fell from %d to %d during the fade: %v", lumas[i-1], y, lumas)
			break
		}
		if y > 16 && y < 235 {
			between++
		}
	}
	if between < 20 || lumas[0] >= 100 {
		t.Errorf("%d frames between black and white, starting at %d (want at least 20 of 30, starting near black): %v", between, lumas[0], lumas)
	}
	if lumas[len(lumas)-1] < 233 {
		t.Errorf("luma after the fade = %d, want white (235)", lumas[len(lumas)-1])
	}
}
