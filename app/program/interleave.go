package program

import (
	"log/slog"
	"sync"

	"github.com/seed7c1a73c4/onair/media"
)

// maxInterleaveWaitMs is how much stream time one kind may run ahead while
// the other produces nothing before it is sent anyway (a frozen camera must
// not hold the audio back for ever).
const maxInterleaveWaitMs = 2000

// interleaver merges the video and audio encoder outputs into one stream in
// DTS order, and shifts all timestamps by one constant so the first DTS is
// not negative (B-frames make the encoder start below zero). Sync is
// preserved because both kinds get the same shift. A kind that falls more
// than maxInterleaveWaitMs behind the other (a video encoder the machine
// cannot keep up with) is sent late, behind the other kind's DTS, with its
// own timestamps: each kind's DTS always increase, which is what decoders,
// muxers and RTMP (a chunk stream per kind) need; squeezing the late frames
// onto the other kind's clock would give them all one timestamp.
type interleaver struct {
	out      *media.PacketHub
	log      *slog.Logger
	hasAudio bool

	mu           sync.Mutex
	v, a         []media.Packet
	vDone, aDone bool
	started      bool
	offset       int64
	last         [4]int64 // the last DTS sent, by media.Kind
	sent         [4]bool
	lastDTS      int64 // the highest DTS sent, of any kind
}

func newInterleaver(out *media.PacketHub, hasAudio bool, log *slog.Logger) *interleaver {
	return &interleaver{out: out, hasAudio: hasAudio, log: log, aDone: !hasAudio}
}

func (m *interleaver) push(p media.Packet) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.Kind == media.KindVideo {
		m.v = append(m.v, p)
	} else {
		m.a = append(m.a, p)
	}
	m.flushLocked()
}

func (m *interleaver) endVideo() { m.end(&m.vDone) }
func (m *interleaver) endAudio() { m.end(&m.aDone) }

// finish sends everything still pending.
func (m *interleaver) finish() {
	m.mu.Lock()
	m.vDone, m.aDone = true, true
	m.flushLocked()
	m.mu.Unlock()
}

// drain sends everything pending now, in DTS order, without ending either
// kind: the program pauses its encoders (both flushed) and resumes later.
func (m *interleaver) drain() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for len(m.v) > 0 || len(m.a) > 0 {
		q := &m.v
		if len(m.v) == 0 || (len(m.a) > 0 && m.a[0].DTS < m.v[0].DTS) {
			q = &m.a
		}
		p := (*q)[0]
		(*q)[0] = media.Packet{}
		*q = (*q)[1:]
		m.emitLocked(p)
	}
}

func (m *interleaver) end(flag *bool) {
	m.mu.Lock()
	*flag = true
	m.flushLocked()
	m.mu.Unlock()
}

func stale(q []media.Packet) bool {
	return len(q) > 1 && q[len(q)-1].DTS-q[0].DTS > maxInterleaveWaitMs
}

func (m *interleaver) flushLocked() {
	for {
		var q *[]media.Packet
		switch {
		case len(m.v) > 0 && len(m.a) > 0:
			q = &m.v
			if m.a[0].DTS < m.v[0].DTS {
				q = &m.a
			}
		case len(m.v) > 0 && (m.aDone || stale(m.v)):
			q = &m.v
		case len(m.a) > 0 && (m.vDone || stale(m.a)):
			q = &m.a
		default:
			return
		}
		p := (*q)[0]
		(*q)[0] = media.Packet{}
		*q = (*q)[1:]
		m.emitLocked(p)
	}
}

func (m *interleaver) emitLocked(p media.Packet) {
	if !m.started {
		m.started = true
		if p.DTS < 0 {
			m.offset = -p.DTS
		}
		m.log.Debug("program timestamps start", "first_dts_ms", p.DTS, "shift_ms", m.offset)
	}
	p.DTS += m.offset
	p.PTS += m.offset
	k := int(p.Kind) % len(m.last)
	if m.sent[k] && p.DTS <= m.last[k] {
		// Cannot happen with a sane encoder; keep the kind's DTS increasing.
		m.log.Warn("non-increasing DTS moved on", "kind", p.Kind, "dts_ms", p.DTS, "last_ms", m.last[k])
		p.DTS = m.last[k] + 1
		p.PTS = max(p.PTS, p.DTS)
	}
	if p.DTS < m.lastDTS {
		m.log.Debug("a late kind sent behind the other", "kind", p.Kind, "dts_ms", p.DTS, "other_ms", m.lastDTS)
	}
	m.last[k], m.sent[k] = p.DTS, true
	m.lastDTS = max(m.lastDTS, p.DTS)
	m.out.Write(p)
}
