package livesrc

// AACFrameSamples is the number of samples in one AAC-LC frame.
const AACFrameSamples = 1024

// AudioClock places AAC frames on the sample clock. RTMP stamps frames in
// whole milliseconds, so 1024-sample frames at 48 kHz arrive 21 or 22 ms
// apart; muxing those stamps as they are gives audio samples that overlap
// or leave gaps. The clock counts 1024 samples per frame instead and
// follows the stamps again only after a real jump (more than 100 ms).
type AudioClock struct {
	Rate    int64 // samples per second
	next    int64
	started bool
}

// Place returns the timestamp, in samples, of the frame stamped dtsMS.
func (c *AudioClock) Place(dtsMS int64) int64 {
	want := dtsMS * c.Rate / 1000
	if d := want - c.next; !c.started || d > c.Rate/10 || d < -c.Rate/10 {
		c.next, c.started = want, true
	}
	out := c.next
	c.next += AACFrameSamples
	return out
}
