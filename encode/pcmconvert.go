package encode

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/asticode/go-astiav"

	"github.com/seed7c1a73c4/onair/capture"
)

// PCMConverter converts PCM of any rate and channel count (S16 or F32
// interleaved, as capture and the AAC decoder give it) to interleaved F32
// at one rate and channel count, with swresample, for a mix that takes
// one format. Output times run on from the first input's time by the
// samples given out, and start again from an input's own time when it
// jumps (a gap in the stream). Not safe for concurrent use.
type PCMConverter struct {
	rs       *resampler
	rate, ch int
	frame    *astiav.Frame // planar float scratch of blockSamples
	buf      []byte
	base     time.Duration // time of output sample 0
	out      int64         // samples given out since base
	expect   time.Duration // where the next input should start
	started  bool
	inRate   int
}

// pcmBlock is how many samples per channel the converter gives out at a time.
const pcmBlock = 1024

// pcmJump is how far an input's time may stray from where the previous
// one ended before the output times start again from it.
const pcmJump = 100 * time.Millisecond

// NewPCMConverter returns a converter to rate Hz and channels channels.
func NewPCMConverter(rate, channels int) (*PCMConverter, error) {
	if rate < 8000 || rate > 384000 || channels < 1 || channels > 2 {
		return nil, fmt.Errorf("%w: converting PCM to %d Hz, %d channels (mono or stereo)", ErrInvalidConfig, rate, channels)
	}
	rs, err := newResampler(rate, channels)
	if err != nil {
		return nil, err
	}
	c := &PCMConverter{rs: rs, rate: rate, ch: channels, frame: astiav.AllocFrame()}
	c.frame.SetNbSamples(pcmBlock)
	c.frame.SetSampleFormat(astiav.SampleFormatFltp)
	layout := astiav.ChannelLayoutStereo
	if channels == 1 {
		layout = astiav.ChannelLayoutMono
	}
	c.frame.SetChannelLayout(layout)
	c.frame.SetSampleRate(rate)
	if err := c.frame.AllocBuffer(0); err != nil {
		c.Close()
		return nil, fmt.Errorf("encode: allocating the converter's frame: %w", err)
	}
	return c, nil
}

// Convert takes one buffer and calls emit for each block of converted PCM
// that is ready (Data valid until emit returns).
func (c *PCMConverter) Convert(f capture.AudioFrame, emit func(capture.AudioFrame)) error {
	if f.Rate <= 0 || f.Samples <= 0 {
		return fmt.Errorf("%w: %d samples at %d Hz", ErrUnsupportedInput, f.Samples, f.Rate)
	}
	if need := f.Samples * f.Channels * f.Format.BytesPerSample(); need == 0 || len(f.Data) < need {
		return fmt.Errorf("%w: a buffer of %d bytes for %d samples of %d channels", ErrUnsupportedInput, len(f.Data), f.Samples, f.Channels)
	}
	if !c.started || f.Rate != c.inRate || absDuration(f.Time-c.expect) > pcmJump {
		c.base, c.out, c.started, c.inRate = f.Time, 0, true, f.Rate
		// What the converter still holds belongs to the old timeline.
		for c.rs.buffered() > 0 {
			n := min(c.rs.buffered(), pcmBlock)
			c.frame.SetNbSamples(n)
			if err := c.rs.read(c.frame, n); err != nil {
				return err
			}
		}
	}
	c.expect = f.Time + time.Duration(f.Samples)*time.Second/time.Duration(f.Rate)
	if err := c.rs.push(f.Format, f.Rate, f.Channels, f.Data, f.Samples); err != nil {
		return err
	}
	for c.rs.buffered() >= pcmBlock {
		if err := c.emitBlock(pcmBlock, emit); err != nil {
			return err
		}
	}
	return nil
}

func (c *PCMConverter) emitBlock(n int, emit func(capture.AudioFrame)) error {
	c.frame.SetNbSamples(n)
	if err := c.rs.read(c.frame, n); err != nil {
		return err
	}
	fc := frameC(c.frame)
	need := n * c.ch * 4
	if cap(c.buf) < need {
		c.buf = make([]byte, need)
	}
	out := c.buf[:need]
	planes := unsafe.Slice((**byte)(unsafe.Pointer(fc.extended_data)), c.ch)
	for ch := range c.ch {
		for i, v := range unsafe.Slice((*float32)(unsafe.Pointer(planes[ch])), n) {
			binary.LittleEndian.PutUint32(out[(i*c.ch+ch)*4:], math.Float32bits(v))
		}
	}
	at := c.base + time.Duration(c.out)*time.Second/time.Duration(c.rate)
	c.out += int64(n)
	emit(capture.AudioFrame{Format: capture.F32, Rate: c.rate, Channels: c.ch, Samples: n, Data: out, Time: at})
	return nil
}

// Close frees the converter; it is safe to call twice.
func (c *PCMConverter) Close() {
	c.rs.free()
	if c.frame != nil {
		c.frame.Free()
		c.frame = nil
	}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
