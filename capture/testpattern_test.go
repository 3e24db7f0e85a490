package capture

import (
	"bytes"
	"errors"
	"image"
	"testing"
	"time"
)

func TestPatternGridFlashAndPacing(t *testing.T) {
	t.Parallel()
	const fps, w, h = 30, 320, 240
	clock := NewClock()
	src, err := OpenVideo("test", VideoConstraints{Width: w, Height: h, FPS: fps}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	start := time.Now()
	var prev []byte
	var prevN int64 = -1
	whites := 0
	for i := 0; i < 45; i++ {
		f, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		if i == fps-1 {
			// 30 frames at 30 fps, read as they come: about one second.
			if el := time.Since(start); el < 800*time.Millisecond || el > 1500*time.Millisecond {
				t.Errorf("reading %d frames took %v, want about 1s", fps, el)
			}
		}
		img, ok := f.Image.(*image.YCbCr)
		if !ok || img.Rect != image.Rect(0, 0, w, h) || img.SubsampleRatio != image.YCbCrSubsampleRatio420 {
			t.Fatalf("frame %d: got %T %v, want *image.YCbCr 4:2:0 %dx%d", i, f.Image, f.Image.Bounds(), w, h)
		}
		// Time is exactly on the grid.
		n := int64(f.Time) * fps / int64(time.Second)
		if gridTime(n, fps) != f.Time {
			n++
		}
		if gridTime(n, fps) != f.Time {
			t.Fatalf("frame %d: time %v is not on the %d fps grid", i, f.Time, fps)
		}
		if n%fps == 0 && f.Time != time.Duration(n/fps)*time.Second {
			t.Fatalf("frame %d: on-second time %v is not exact", n, f.Time)
		}
		if prevN >= 0 && n <= prevN {
			t.Fatalf("frame %d after %d: not increasing", n, prevN)
		}
		if f.Time > clock.Now() {
			t.Fatalf("frame %d returned at %v, before its time %v", n, clock.Now(), f.Time)
		}
		// The flash: the whole frame white on n%fps == 0, and only then.
		white := allWhite(img)
		if white != (n%fps == 0) {
			t.Errorf("frame %d: white=%v, mean Y %.1f", n, white, meanY(img))
		}
		if white {
			whites++
		} else if m := meanY(img); m > 150 {
			t.Errorf("frame %d: mean Y %.1f, too bright for a non-flash frame", n, m)
		}
		// Consecutive frames differ: the pattern moves.
		if prev != nil && bytes.Equal(prev, img.Y) {
			t.Errorf("frame %d is identical to frame %d", n, prevN)
		}
		prev = append(prev[:0], img.Y...)
		prevN = n
		f.Release()
		f.Release() // twice is harmless
	}
	if whites != 1 {
		t.Errorf("saw %d white frames in 1.5 s, want 1", whites)
	}
}

func TestPatternSkipsAheadWhenLate(t *testing.T) {
	t.Parallel()
	const fps = 50
	clock := NewClock()
	src, err := OpenVideo("test", VideoConstraints{Width: 64, Height: 48, FPS: fps}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	f.Release()
	time.Sleep(300 * time.Millisecond) // 15 frames late: past the backlog
	before := clock.Now()
	g, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	g.Release()
	// The newest due frame, not the one after f.
	if g.Time <= f.Time+frameDuration(fps) || g.Time > before || before-g.Time > frameDuration(fps) {
		t.Errorf("after a 300 ms stall got frame at %v (previous %v, now %v), want the newest due one", g.Time, f.Time, before)
	}
	if el := clock.Now() - before; el > 10*time.Millisecond {
		t.Errorf("late Read took %v, want immediate", el)
	}
}

func TestPatternCatchesUpAfterShortStall(t *testing.T) {
	t.Parallel()
	const fps = 50
	clock := NewClock()
	src, err := OpenVideo("test", VideoConstraints{Width: 64, Height: 48, FPS: fps}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	f.Release()
	time.Sleep(50 * time.Millisecond) // within the backlog: no frame may be lost
	for i := 1; i <= 4; i++ {
		g, err := src.Read()
		if err != nil {
			t.Fatal(err)
		}
		g.Release()
		if want := f.Time + time.Duration(i)*frameDuration(fps); g.Time != want {
			t.Fatalf("frame %d after a 50 ms stall at %v, want %v (no skipping)", i, g.Time, want)
		}
	}
}

func TestPatternFirstFrameIsNextGridPoint(t *testing.T) {
	t.Parallel()
	clock := clockAt(5*time.Second + 10*time.Millisecond)
	src, err := OpenVideo("test", VideoConstraints{Width: 64, Height: 48, FPS: 25}, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := src.Read()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	if want := 5*time.Second + 40*time.Millisecond; f.Time != want {
		t.Errorf("first frame at %v, want %v", f.Time, want)
	}
}

func TestPatternCloseUnblocksRead(t *testing.T) {
	checkGoroutines(t) // not parallel: it counts goroutines
	src, err := OpenVideo("test", VideoConstraints{Width: 64, Height: 48, FPS: 1}, NewClock(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := readAsync(func() error { f, err := src.Read(); f.Release(); return err })
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ch:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Read after Close: %v, want ErrClosed", err)
		}
	case <-time.After(500 * time.Millisecond):
		t.Fatal("Close did not unblock Read")
	}
	if el := time.Since(start); el > 200*time.Millisecond {
		t.Errorf("Read returned %v after Close", el)
	}
	if err := src.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := src.Read(); !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close: %v, want ErrClosed", err)
	}
}

func TestPatternBadConstraints(t *testing.T) {
	for _, c := range []VideoConstraints{
		{0, 0, 30}, {1280, 720, 0}, {-2, 720, 30}, {1279, 720, 30}, {1280, 720, 1000}, {100000, 720, 30},
	} {
		if _, err := OpenVideo("test", c, NewClock(), nil); err == nil {
			t.Errorf("OpenVideo(test, %+v) succeeded, want an error", c)
		} else {
			t.Logf("%+v: %v", c, err)
		}
	}
}

func TestPatternRendersOddLayouts(t *testing.T) {
	// Tiny and unusual sizes must not panic, and still flash and move.
	for _, sz := range [][2]int{{2, 2}, {16, 16}, {1920, 2}, {2, 1080}, {8192, 64}, {1366, 768}} {
		r := newPatternRenderer(sz[0], sz[1], 5)
		var prev []byte
		for n := int64(0); n < 12; n++ {
			pi := r.render(n, gridTime(n, 5))
			if white := allWhite(pi.img); white != (n%5 == 0) {
				t.Errorf("%v frame %d: white=%v", sz, n, white)
			}
			if sz[0] >= 16 && sz[1] >= 16 && bytes.Equal(prev, pi.img.Y) {
				t.Errorf("%v frame %d: same as the frame before", sz, n)
			}
			prev = append(prev[:0], pi.img.Y...)
			r.put(pi)
		}
	}
}

func TestPatternIncrementalMatchesFull(t *testing.T) {
	// Redrawing only what changed gives the same picture as a fresh draw.
	r := newPatternRenderer(640, 360, 30)
	var held []*patternImage
	for n := int64(1); n < 100; n++ {
		pi := r.render(n, gridTime(n, 30))
		fresh := newPatternRenderer(640, 360, 30).render(n, gridTime(n, 30))
		if !bytes.Equal(pi.img.Y, fresh.img.Y) || !bytes.Equal(pi.img.Cb, fresh.img.Cb) || !bytes.Equal(pi.img.Cr, fresh.img.Cr) {
			t.Fatalf("frame %d: incremental render differs from a full render", n)
		}
		held = append(held, pi)
		if len(held) > int(n%3) { // vary how many frames are out
			r.put(held[0])
			held = held[1:]
		}
	}
}

func BenchmarkTestPattern1080p(b *testing.B) {
	const fps = 60
	r := newPatternRenderer(1920, 1080, fps)
	ring := make([]*patternImage, 3) // three frames out at once
	n := int64(1)
	b.ReportAllocs()
	for b.Loop() {
		i := n % int64(len(ring))
		if ring[i] != nil {
			r.put(ring[i])
		}
		ring[i] = r.render(n, gridTime(n, fps))
		n++
	}
}
