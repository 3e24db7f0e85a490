package capture

import "fmt"

// VideoSource hands out video frames, one Read at a time.
//
// Read blocks until the next frame and is called from one goroutine. The
// caller releases every frame it gets (VideoFrame.Release). After Close,
// Read returns ErrClosed promptly. Close is safe to call twice and from any
// goroutine; it stops the device and waits for the source's goroutines.
type VideoSource interface {
	Read() (VideoFrame, error)
	Close() error
}

// AudioSource hands out buffers of interleaved PCM, one Read at a time.
//
// Read blocks until the next buffer and is called from one goroutine. The
// source reuses its buffers: AudioFrame.Data stays valid only until the next
// Read, so a consumer that keeps samples longer must copy them. After Close,
// Read returns ErrClosed promptly. Close is safe to call twice.
type AudioSource interface {
	Read() (AudioFrame, error)
	Close() error
}

// VideoConstraints asks a video source for a picture size and frame rate.
// Devices give the mode closest to it (see Device.Modes); the test pattern
// gives exactly this. Width and Height must be positive and even.
type VideoConstraints struct {
	Width, Height, FPS int
}

// Limits for VideoConstraints.
const (
	maxVideoSide = 8192
	maxFPS       = 240
)

// Validate reports constraints that no source can honour.
func (c VideoConstraints) Validate() error {
	switch {
	case c.Width <= 0 || c.Height <= 0 || c.Width%2 != 0 || c.Height%2 != 0:
		return fmt.Errorf("invalid video size %dx%d: width and height must be positive even numbers", c.Width, c.Height)
	case c.Width > maxVideoSide || c.Height > maxVideoSide:
		return fmt.Errorf("invalid video size %dx%d: at most %d pixels a side", c.Width, c.Height, maxVideoSide)
	case c.FPS <= 0 || c.FPS > maxFPS:
		return fmt.Errorf("invalid frame rate %d: it must be between 1 and %d", c.FPS, maxFPS)
	}
	return nil
}

// AudioConstraints asks an audio source for a sample rate and channel
// count. Zero fields take the defaults: 48000 Hz, 2 channels.
type AudioConstraints struct {
	SampleRate, Channels int
}

// Defaults and limits for AudioConstraints.
const (
	defaultSampleRate = 48000
	defaultChannels   = 2
	minSampleRate     = 8000
	maxSampleRate     = 384000
	maxChannels       = 8
)

// withDefaults fills zero fields and validates the result.
func (c AudioConstraints) withDefaults() (AudioConstraints, error) {
	if c.SampleRate == 0 {
		c.SampleRate = defaultSampleRate
	}
	if c.Channels == 0 {
		c.Channels = defaultChannels
	}
	if c.SampleRate < minSampleRate || c.SampleRate > maxSampleRate {
		return c, fmt.Errorf("invalid sample rate %d Hz: it must be between %d and %d", c.SampleRate, minSampleRate, maxSampleRate)
	}
	if c.Channels < 1 || c.Channels > maxChannels {
		return c, fmt.Errorf("invalid channel count %d: it must be between 1 and %d", c.Channels, maxChannels)
	}
	return c, nil
}
