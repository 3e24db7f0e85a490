package app

import "time"

// tilePacer lets at most tileFPS pictures a second through, on a fixed
// schedule: a 30 fps stream gives 2 pictures of 3 (20 fps), where "at least
// 50 ms since the last" would give every other one (15 fps).
type tilePacer struct{ next time.Time }

// due reports whether a picture decoded now should be shown.
func (p *tilePacer) due(now time.Time) bool {
	const interval = time.Second / tileFPS
	if now.Before(p.next) {
		return false
	}
	p.next = p.next.Add(interval)
	if now.Sub(p.next) > interval { // first picture, or after a gap: start again from now
		p.next = now.Add(interval)
	}
	return true
}
