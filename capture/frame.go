package capture

import (
	"image"
	"time"
)

// VideoFrame is one picture from a VideoSource.
//
// Image is usually *image.YCbCr (cameras, test pattern) or *image.RGBA
// (screens). It stays valid until Release is called; the consumer must call
// Release exactly once when it is done with the pixels.
type VideoFrame struct {
	Image image.Image
	// Time is the capture time on the source's Clock.
	Time    time.Duration
	release func()
}

// NewVideoFrame makes a frame for a source outside this package: release,
// if not nil, is called once, by the first Release.
func NewVideoFrame(img image.Image, t time.Duration, release func()) VideoFrame {
	return VideoFrame{Image: img, Time: t, release: release}
}

// Release hands the frame's buffers back to the source.
func (f *VideoFrame) Release() {
	if f.release != nil {
		f.release()
		f.release = nil
	}
}

// SampleFormat is the layout of one PCM sample.
type SampleFormat uint8

const (
	// S16 is signed 16-bit little-endian interleaved PCM.
	S16 SampleFormat = iota + 1
	// F32 is 32-bit float little-endian interleaved PCM in [-1, 1].
	F32
)

// BytesPerSample returns the size of one sample of one channel.
func (f SampleFormat) BytesPerSample() int {
	switch f {
	case S16:
		return 2
	case F32:
		return 4
	}
	return 0
}

// AudioFrame is a buffer of interleaved PCM from an AudioSource.
type AudioFrame struct {
	Format   SampleFormat
	Rate     int // samples per second per channel
	Channels int
	Samples  int    // samples per channel in Data
	Data     []byte // Samples*Channels*Format.BytesPerSample() bytes
	// Time is the capture time of the first sample on the source's Clock.
	Time time.Duration
}

// Duration returns how long the buffer plays.
func (f *AudioFrame) Duration() time.Duration {
	if f.Rate <= 0 {
		return 0
	}
	return time.Duration(f.Samples) * time.Second / time.Duration(f.Rate)
}
