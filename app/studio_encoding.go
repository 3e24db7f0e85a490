package app

import "time"

// encodingGrace is how long the encoder keeps running after the last
// consumer of the program left: a destination that reconnects, or a player
// that reloads, does not stop and restart it.
const encodingGrace = 3 * time.Second

// steerEncoding (worker) runs the program's encoders while something takes
// the program: a live destination (or Go Live to the local server only), a
// recording, or a player of live/program on the local server (an RTMP
// player, or the web side's HLS/DASH muxer for a viewer). Go Live and
// Record start it at once; it stops encodingGrace after the last one left.
func (s *Studio) steerEncoding(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.prog == nil {
		return
	}
	if s.programTakenLocked() {
		s.lastTaken = now
		s.prog.SetEncoding(true)
		return
	}
	if now.Sub(s.lastTaken) >= encodingGrace {
		s.prog.SetEncoding(false)
	}
}

// programTakenLocked reports whether anything consumes the program now.
func (s *Studio) programTakenLocked() bool {
	if s.live != nil || s.rec != nil {
		return true
	}
	if s.server == nil {
		return false
	}
	for _, st := range s.server.RTMP.Stats().Streams {
		if st.Name == "live/"+ProgramStream && st.Players > 0 {
			return true
		}
	}
	return false
}
