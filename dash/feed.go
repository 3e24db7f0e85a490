package dash

import (
	"time"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"

	"github.com/seed7c1a73c4/onair/livesrc"
)

// feeder cuts the packets into chunks and segments. It lives on the
// Stream's read goroutine; what viewers see changes under the Stream's
// lock only.
type feeder struct {
	s        *Stream
	sps, pps []byte
	asc      []byte
	ascCfg   mpeg4audio.AudioSpecificConfig
	started  bool
	origin   int64 // DTS (ms) of media time 0: the first keyframe
	pending  *mp4.FullSample
	pendDTS  int64
	aclock   livesrc.AudioClock
	dropped  int
	lastWarn time.Time
}

func (f *feeder) write(p livesrc.Packet) {
	switch {
	case p.Kind == livesrc.Video && p.Header:
		if len(p.SPS) > 0 && len(p.PPS) > 0 {
			f.sps, f.pps = p.SPS[0], p.PPS[0]
		}
	case p.Kind == livesrc.Audio && p.Header:
		var c mpeg4audio.AudioSpecificConfig
		if err := c.Unmarshal(p.Data); err == nil && c.SampleRate > 0 && c.SampleRate <= 65535 {
			f.asc, f.ascCfg = p.Data, c
		}
	case p.Kind == livesrc.Data:
	case !f.started && !f.start():
	case p.Kind == livesrc.Video && f.s.video != nil:
		f.writeVideo(p)
	case p.Kind == livesrc.Audio && f.s.audio != nil:
		f.writeAudio(p)
	}
}

// start makes the tracks from the headers seen so far.
func (f *feeder) start() bool {
	s := f.s
	var v, a *track
	if f.sps != nil {
		init, codecs, err := videoInit(f.sps, f.pps)
		if err != nil {
			f.warn("DASH: video init", err)
			return false
		}
		v = &track{id: "v", timescale: videoTimescale, init: init, codecs: codecs}
		v.width, v.height = spsSize(f.sps)
	}
	if f.asc != nil {
		init, codecs, err := audioInit(f.asc, f.ascCfg)
		if err != nil {
			f.warn("DASH: audio init", err)
			return false
		}
		a = &track{id: "a", timescale: uint32(f.ascCfg.SampleRate), init: init, codecs: codecs, channels: f.ascCfg.ChannelCount}
		f.aclock = livesrc.AudioClock{Rate: int64(f.ascCfg.SampleRate)}
	}
	if v == nil && a == nil {
		return false
	}
	s.mu.Lock()
	s.video, s.audio = v, a
	s.mu.Unlock()
	f.started = true
	return true
}

func (f *feeder) writeVideo(p livesrc.Packet) {
	s, v := f.s, f.s.video
	if v.last() == nil && !p.Key {
		return // start on a keyframe
	}
	if f.pending != nil {
		d := (p.DTS - f.pendDTS) * 90
		if d <= 0 || d > 10*videoTimescale {
			d = 3000 // a jump: give the frame one 30 fps frame time
		}
		f.pending.Dur = uint32(d)
		f.addSample(v, *f.pending)
	}
	if p.Key && f.cutDue(p.DTS) {
		f.flush(v)
		f.cut(p.DTS)
	} else if time.Duration(v.dur)*time.Second/videoTimescale >= s.cfg.ChunkDuration {
		f.flush(v)
	}
	if p.DTS < f.origin {
		f.pending = nil
		return
	}
	flags := mp4.NonSyncSampleFlags
	if p.Key {
		flags = mp4.SyncSampleFlags
	}
	f.pending = &mp4.FullSample{Sample: mp4.Sample{Flags: flags, Size: uint32(len(p.Data)),
		CompositionTimeOffset: int32(max(p.PTS-p.DTS, 0) * 90)},
		DecodeTime: uint64(p.DTS-f.origin) * 90, Data: p.Data}
	f.pendDTS = p.DTS
}

func (f *feeder) writeAudio(p livesrc.Packet) {
	s, a := f.s, f.s.audio
	rate := int64(a.timescale)
	if s.video == nil && a.last() == nil {
		f.origin = p.DTS // audio only: media time 0 is the first frame
	}
	ts := f.aclock.Place(p.DTS) - f.origin*rate/1000
	if ts < 0 {
		return
	}
	if s.video != nil {
		vcur := s.video.last()
		if vcur == nil {
			return // audio starts with the first video segment
		}
		if cur := a.last(); (cur == nil || cur.number < vcur.number) && ts*1000/rate >= vcur.startMS {
			f.flush(a)
			f.startSegment(a, vcur.number, vcur.startMS)
		}
	} else if f.cutDue(p.DTS) {
		f.flush(a)
		f.cut(p.DTS)
	}
	f.addSample(a, mp4.FullSample{Sample: mp4.Sample{Flags: mp4.SyncSampleFlags, Dur: livesrc.AACFrameSamples,
		Size: uint32(len(p.Data))}, DecodeTime: uint64(ts), Data: p.Data})
	if time.Duration(a.dur)*time.Second/time.Duration(rate) >= s.cfg.ChunkDuration {
		f.flush(a)
	}
}

// addSample queues a sample unless its segment is over the size bound.
func (f *feeder) addSample(t *track, smp mp4.FullSample) {
	cur := t.current()
	if cur == nil || cur.full {
		return
	}
	if cur.bytes+t.bytes+len(smp.Data) > f.s.cfg.MaxSegmentBytes {
		cur.full = true
		f.dropped++
		f.warn("DASH: segment over its size bound; dropping media until the next one", nil)
		return
	}
	t.add(smp)
}

// flush appends the chunk being built to the current segment.
func (f *feeder) flush(t *track) {
	cur := t.current()
	if cur == nil {
		return
	}
	b, err := t.encodeChunk(len(cur.chunks) == 0)
	if err != nil {
		f.warn("DASH: chunk", err)
		return
	}
	if b == nil {
		return
	}
	f.s.mu.Lock()
	cur.chunks = append(cur.chunks, b)
	cur.bytes += len(b)
	f.s.broadcastLocked()
	f.s.mu.Unlock()
}

func (f *feeder) warn(msg string, err error) {
	if now := time.Now(); now.Sub(f.lastWarn) >= time.Second {
		f.s.cfg.Log.Warn(msg, "err", err, "dropped", f.dropped)
		f.lastWarn = now
	}
}
