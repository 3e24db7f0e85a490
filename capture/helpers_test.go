package capture

import (
	"errors"
	"image"
	"runtime"
	"testing"
	"time"
)

// meanY is the average luma of img.
func meanY(img *image.YCbCr) float64 {
	var sum int64
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		for _, v := range img.Y[y*img.YStride : y*img.YStride+w] {
			sum += int64(v)
		}
	}
	return float64(sum) / float64(w*h)
}

// allWhite reports whether every pixel is exactly the flash colour.
func allWhite(img *image.YCbCr) bool {
	for _, v := range img.Y {
		if v != yWhite {
			return false
		}
	}
	for i := range img.Cb {
		if img.Cb[i] != cNeutral || img.Cr[i] != cNeutral {
			return false
		}
	}
	return true
}

// clockAt returns a clock whose Now is t right after the call.
func clockAt(t time.Duration) *Clock {
	return &Clock{epoch: time.Now().Add(-t)}
}

// checkGoroutines fails the test if goroutines started during it are still
// running shortly after it ends.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(2 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("goroutines: %d before, %d after\n%s", before, n, buf)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// readAsync runs src.Read in a goroutine and returns its error on a channel.
func readAsync(read func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- read() }()
	return ch
}

// frameDuration is the time between two frames at fps, rounded down.
func frameDuration(fps int64) time.Duration { return time.Second / time.Duration(fps) }

// closeWhileReading reads in a loop on another goroutine, closes the
// source meanwhile, and checks that the loop ends promptly with ErrClosed,
// that Read keeps returning it, and that Close can be called twice.
func closeWhileReading(t *testing.T, read func() error, closeFn func() error) {
	t.Helper()
	reads := 0
	ch := readAsync(func() error {
		for {
			if err := read(); err != nil {
				return err
			}
			reads++
		}
	})
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := closeFn(); err != nil {
		t.Errorf("Close: %v", err)
	}
	select {
	case err := <-ch:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Read during Close: %v, want ErrClosed", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Close did not unblock Read")
	}
	if reads == 0 {
		t.Error("no Read succeeded before Close")
	}
	t.Logf("%d reads, Close took %v", reads, time.Since(start))
	if err := read(); !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close: %v, want ErrClosed", err)
	}
	if err := closeFn(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
