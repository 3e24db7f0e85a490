package encode

import (
	"log/slog"
	"time"
)

// maxAudioJump is how far the capture time of an audio buffer may stray
// from the time its samples were counted to before the clock re-anchors.
const maxAudioJump = 200 * time.Millisecond

// audioClock stamps encoder frames in output samples since stream time 0.
// It anchors at the first buffer's capture time and then counts samples, so
// steady timestamps are exact. When the capture time runs ahead by more than
// maxAudioJump (a gap: dropped buffers, a stalled device) it re-anchors,
// leaving a gap in the timestamps. When it falls behind by more than that
// (more samples than time) it drops the samples that would overlap audio
// already stamped, so timestamps never go back.
type audioClock struct {
	outRate  int
	started  bool
	inRate   int
	inAnchor time.Duration // capture time of input sample 0 of the count
	inCount  int64         // input samples counted since inAnchor
	next     int64         // output sample index of the first sample in the FIFO
	catchUp  bool          // dropping input until it reaches the counted time
	ahead    warnLimiter
	behind   warnLimiter
}

func newAudioClock(outRate int) audioClock {
	return audioClock{
		outRate: outRate,
		ahead:   warnLimiter{interval: 10 * time.Second},
		behind:  warnLimiter{interval: 10 * time.Second},
	}
}

// admit places a buffer of samples (at rate, captured at t) on the
// timeline and returns how many leading samples to drop. queued is the
// number of output samples waiting in the FIFO.
func (c *audioClock) admit(t time.Duration, rate, samples, queued int, log *slog.Logger) (skip int) {
	if !c.started {
		c.started, c.inRate, c.inAnchor, c.inCount = true, rate, t, int64(samples)
		c.next = durationToSamples(t, c.outRate)
		return 0
	}
	if rate != c.inRate { // keep the position, count at the new rate
		c.inAnchor, c.inCount, c.inRate = c.expected(), 0, rate
	}
	switch d := t - c.expected(); {
	case d > maxAudioJump:
		c.ahead.warn(log, t, "audio capture time jumped ahead; re-anchoring audio timestamps",
			"jump", d.Round(time.Millisecond), "at", t.Round(time.Millisecond))
		c.inAnchor, c.inCount = t, 0
		c.next = max(c.next, durationToSamples(t, c.outRate)-int64(queued))
	case d < -maxAudioJump || (c.catchUp && d < 0):
		if !c.catchUp {
			c.behind.warn(log, t, "audio capture time went back; dropping samples that overlap stamped audio",
				"behind", (-d).Round(time.Millisecond), "at", t.Round(time.Millisecond))
		}
		skip = int(min(durationToSamples(-d, rate), int64(samples)))
		c.catchUp = skip == samples
	default:
		c.catchUp = false
	}
	c.inCount += int64(samples - skip)
	return skip
}

// expected is the capture time the next input sample should have.
func (c *audioClock) expected() time.Duration {
	r := int64(c.inRate)
	return c.inAnchor + time.Duration(c.inCount/r)*time.Second + time.Duration(c.inCount%r)*time.Second/time.Duration(r)
}

// take returns the timestamp (output samples) of the next n samples.
func (c *audioClock) take(n int) int64 {
	p := c.next
	c.next += int64(n)
	return p
}

// durationToSamples is round(d*rate/1s) without overflow for long streams.
func durationToSamples(d time.Duration, rate int) int64 {
	r := int64(rate)
	return int64(d/time.Second)*r + roundDiv(int64(d%time.Second)*r, int64(time.Second))
}

// samplesToMillis is round(n*1000/rate).
func samplesToMillis(n int64, rate int) int64 { return roundDiv(n*1000, int64(rate)) }

// roundDiv is a/b rounded to nearest, halves away from zero (b > 0).
func roundDiv(a, b int64) int64 {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}
