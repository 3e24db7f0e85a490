package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
)

// maxY4MBytes bounds how much of a clip file is held in memory.
const maxY4MBytes = 1 << 30

// y4mClip is a YUV4MPEG2 (4:2:0, 8-bit) clip held in memory.
type y4mClip struct {
	width, height int
	frames        []*image.YCbCr
}

// loadY4M reads a whole YUV4MPEG2 file. Only 4:2:0 8-bit is accepted, which
// is what `ffmpeg -pix_fmt yuv420p -f yuv4mpegpipe` writes.
func loadY4M(path string) (*y4mClip, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening clip: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	header, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(header, "YUV4MPEG2 ") {
		return nil, fmt.Errorf("%s is not a YUV4MPEG2 file", path)
	}
	c := &y4mClip{}
	for _, tok := range strings.Fields(header)[1:] {
		switch tok[0] {
		case 'W':
			c.width, err = strconv.Atoi(tok[1:])
		case 'H':
			c.height, err = strconv.Atoi(tok[1:])
		case 'C':
			if !strings.HasPrefix(tok, "C420") || strings.Contains(tok, "p1") {
				return nil, fmt.Errorf("%s: colour format %s is not 4:2:0 8-bit", path, tok[1:])
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: bad header field %q", path, tok)
		}
	}
	if c.width < 2 || c.height < 2 || c.width > 8192 || c.height > 8192 {
		return nil, fmt.Errorf("%s: frame size %dx%d is not supported", path, c.width, c.height)
	}
	frameBytes := c.width*c.height + 2*((c.width+1)/2)*((c.height+1)/2)
	for total := 0; ; total += frameBytes {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		if err != nil || !bytes.HasPrefix(line, []byte("FRAME")) {
			return nil, fmt.Errorf("%s: frame %d: bad frame header", path, len(c.frames))
		}
		if total+frameBytes > maxY4MBytes {
			return nil, fmt.Errorf("%s: larger than %d MiB; use a shorter clip", path, maxY4MBytes>>20)
		}
		img := image.NewYCbCr(image.Rect(0, 0, c.width, c.height), image.YCbCrSubsampleRatio420)
		for _, plane := range [][]byte{img.Y, img.Cb, img.Cr} {
			if _, err := io.ReadFull(r, plane); err != nil {
				return nil, fmt.Errorf("%s: frame %d is truncated", path, len(c.frames))
			}
		}
		c.frames = append(c.frames, img)
	}
	if len(c.frames) == 0 {
		return nil, fmt.Errorf("%s has no frames", path)
	}
	return c, nil
}

// clipSource plays a clip in a loop at the requested frame rate, one clip
// frame per output frame, on the same clock grid as the test pattern.
type clipSource struct {
	clip   *y4mClip
	grid   *FrameGrid
	chDone chan struct{}
	closer sync.Once
}

func openClip(path string, c VideoConstraints, clock *Clock, log *slog.Logger) (VideoSource, error) {
	clip, err := loadY4M(path)
	if err != nil {
		return nil, err
	}
	log.Debug("clip opened", "path", path, "width", clip.width, "height", clip.height, "frames", len(clip.frames))
	s := &clipSource{clip: clip, chDone: make(chan struct{})}
	s.grid = NewFrameGrid(clock, c.FPS, s.chDone)
	return s, nil
}

// Read returns the next frame when it is due. Frames are shared and
// read-only: Release is a no-op.
func (s *clipSource) Read() (VideoFrame, error) {
	n, t := s.grid.Due()
	if !s.grid.Wait(n, t) {
		return VideoFrame{}, ErrClosed
	}
	return VideoFrame{Image: s.clip.frames[n%int64(len(s.clip.frames))], Time: t}, nil
}

// Close unblocks Read; it is safe to call twice.
func (s *clipSource) Close() error {
	s.closer.Do(func() { close(s.chDone) })
	return nil
}
