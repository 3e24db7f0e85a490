package capture

import (
	"fmt"
	"image"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// pionVideo reads a camera or screen through its pion driver.
//
// One pump goroutine pulls frames from the driver, stamps each with the
// clock the moment it arrives, copies it into a pooled image, releases the
// driver's buffer and queues it. The queue holds one frame: a reader that
// is slower than the device gets the newest frame.
type pionVideo struct {
	dev        pionDevice
	reader     video.Reader
	clock      *Clock
	log        *slog.Logger
	pool       imagePool
	q          *dropQueue[videoItem]
	chDone     chan struct{}
	chPumpDone chan struct{}
	closer     sync.Once
	closeErr   error
}

type videoItem struct {
	img image.Image
	t   time.Duration
}

func openPionVideo(kind DeviceKind, id string, c VideoConstraints, clock *Clock, log *slog.Logger) (VideoSource, error) {
	dev, err := findPionDevice(kind, id)
	if err != nil {
		return nil, err
	}
	rec, ok := dev.drv.(driver.VideoRecorder)
	if !ok {
		return nil, fmt.Errorf("%s %q does not record video", kind, dev.id)
	}
	driversMu.Lock()
	defer driversMu.Unlock()
	if err := dev.drv.Open(); err != nil {
		return nil, fmt.Errorf("opening %s %q: %w", kind, dev.id, err)
	}
	props := dev.drv.Properties()
	modeCache[dev.drv] = videoModes(props)
	p, ok := bestVideoProp(props, c)
	if !ok {
		_ = dev.drv.Close()
		return nil, fmt.Errorf("%s %q offers no video mode", kind, dev.id)
	}
	if kind == KindScreen {
		p.FrameRate = float32(c.FPS) // screens capture at the rate asked
	}
	r, err := rec.VideoRecord(p) // closes the driver on failure
	if err != nil {
		return nil, fmt.Errorf("starting %s %q at %dx%d@%g %s: %w", kind, dev.id, p.Width, p.Height, p.FrameRate, p.FrameFormat, err)
	}
	log.Debug("video device opened", "device", kind, "id", dev.id, "label", dev.label,
		"width", p.Width, "height", p.Height, "fps", p.FrameRate, "format", p.FrameFormat)
	s := &pionVideo{
		dev: dev, reader: r, clock: clock, log: log,
		q:          newDropQueue[videoItem](1),
		chDone:     make(chan struct{}),
		chPumpDone: make(chan struct{}),
	}
	go s.pump()
	return s, nil
}

// bestVideoProp picks the driver mode closest to c: size first, then frame
// rate, then the cheapest pixel format to decode.
func bestVideoProp(props []prop.Media, c VideoConstraints) (prop.Media, bool) {
	best, bestScore := prop.Media{}, math.Inf(1)
	for _, p := range props {
		if p.Width <= 0 || p.Height <= 0 {
			continue
		}
		score := 10 * (math.Abs(math.Log(float64(p.Width)/float64(c.Width))) +
			math.Abs(math.Log(float64(p.Height)/float64(c.Height))))
		if p.FrameRate > 0 {
			d := (float64(p.FrameRate) - float64(c.FPS)) / float64(c.FPS)
			if d < 0 {
				d *= -2 // too slow is worse than too fast
			}
			score += d
		} else {
			score += 0.5
		}
		score += formatCost(p.FrameFormat)
		if score < bestScore {
			best, bestScore = p, score
		}
	}
	return best, !math.IsInf(bestScore, 1)
}

func formatCost(f frame.Format) float64 {
	switch f {
	case frame.FormatI420, frame.FormatNV12, frame.FormatNV21, frame.FormatRGBA:
		return 0
	case frame.FormatYUYV, frame.FormatYUY2, frame.FormatUYVY:
		return 0.05
	case frame.FormatMJPEG:
		return 0.1
	}
	return 100 // depth maps and the like: only if nothing else
}

// pump moves frames from the driver to the queue until Close.
func (s *pionVideo) pump() {
	defer close(s.chPumpDone)
	var dropped int64
	lastLog := time.Now()
	for {
		select {
		case <-s.chDone:
			return
		default:
		}
		img, release, err := s.reader.Read()
		if err != nil {
			select {
			case <-s.chDone:
			default:
				s.q.fail(fmt.Errorf("reading %s %q: %w", s.dev.kind, s.dev.id, err))
			}
			return
		}
		t := s.clock.Now()
		out := s.pool.copyFrame(img)
		if release != nil {
			release()
		}
		if old, ok := s.q.push(videoItem{img: out, t: t}); ok {
			s.pool.put(old.img)
			dropped++
			if time.Since(lastLog) >= time.Second {
				s.log.Debug("video reader is slower than the device; dropped frames", "total", dropped)
				lastLog = time.Now()
			}
		}
	}
}

// Read returns the newest frame, waiting for one if none is queued.
func (s *pionVideo) Read() (VideoFrame, error) {
	it, err := s.q.pop(s.chDone)
	if err != nil {
		return VideoFrame{}, err
	}
	var released atomic.Bool
	return VideoFrame{Image: it.img, Time: it.t, release: func() {
		if released.CompareAndSwap(false, true) {
			s.pool.put(it.img)
		}
	}}, nil
}

// Close unblocks Read, stops the device and waits for the pump.
func (s *pionVideo) Close() error {
	s.closer.Do(func() { s.closeErr = closeDevice(s.dev, s.chDone, s.chPumpDone, s.log) })
	return s.closeErr
}
