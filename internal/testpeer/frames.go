package testpeer

import (
	"context"
	"fmt"
	"image"
	"os/exec"
	"testing"
	"time"
)

// DecodeFrames decodes count video frames of input, from frame first on,
// with the ffmpeg CLI, as w×h 4:2:0 pictures exactly as the stream carries
// them (no colour conversion).
func DecodeFrames(t testing.TB, input string, first, count, w, h int) []*image.YCbCr {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-nostdin", "-i", input, "-map", "0:v",
		"-vf", fmt.Sprintf("select=between(n\\,%d\\,%d)", first, first+count-1), "-fps_mode", "passthrough",
		"-pix_fmt", "yuv420p", "-f", "rawvideo", "-").Output()
	if err != nil {
		t.Fatalf("decoding frames of %s: %v %s", input, err, exitStderr(err))
	}
	size := w*h + 2*(w/2)*(h/2)
	if len(out) != count*size {
		t.Fatalf("decoding frames %d to %d of %s gave %d bytes, want %d frames of %dx%d (%d bytes)",
			first, first+count-1, input, len(out), count, w, h, count*size)
	}
	pics := make([]*image.YCbCr, count)
	for i := range pics {
		m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		b := out[i*size:]
		copy(m.Y, b[:w*h])
		copy(m.Cb, b[w*h:w*h+len(m.Cb)])
		copy(m.Cr, b[w*h+len(m.Cb):size])
		pics[i] = m
	}
	return pics
}
