package forward

import "github.com/seed7c1a73c4/onair/media"

// gap is how far after the last packet of a source's previous
// session its next session starts: about one frame, so that players go on
// at once instead of waiting out the time the camera was away.
const gap = 40 // ms

// clock keeps a forwarded stream's timestamps continuous across the
// source's sessions. The local server starts the timeline of a name that
// is published again from 0; the forward shifts each new session so it
// lands just after the previous one, and the destinations see one stream.
// Within a session the server's timeline is kept as it is (composition
// times included). Not safe for concurrent use: the forward's source
// goroutine owns it.
type clock struct {
	offset  int64 // added to every timestamp of the current session
	last    int64 // latest DTS handed out
	started bool  // a session has carried media
	mapped  bool  // the current session's offset is set
}

// newSession prepares for a source that is published again.
func (c *clock) newSession() { c.mapped = false }

// place shifts p's timestamps onto the forward's timeline.
func (c *clock) place(p *media.Packet) {
	if p.Header || p.Kind == media.KindData {
		p.DTS, p.PTS = c.last, c.last
		return
	}
	if !c.mapped {
		c.mapped = true
		if c.started {
			c.offset = c.last + gap - p.DTS
		}
		c.started = true
	}
	cts := p.PTS - p.DTS
	p.DTS += c.offset
	p.PTS = p.DTS + cts
	c.last = max(c.last, p.DTS)
}
