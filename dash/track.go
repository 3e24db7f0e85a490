package dash

import (
	"bytes"
	"fmt"

	"github.com/Eyevinn/mp4ff/mp4"
)

const videoTimescale = 90000

// segment is one CMAF segment: chunks of moof+mdat, the first one led by
// an styp box. Chunks are appended under the Stream's lock and never
// change afterwards, so viewers write them out without copying.
type segment struct {
	number  int
	startMS int64 // media time from the stream's origin
	chunks  [][]byte
	bytes   int
	done    bool
	full    bool // over MaxSegmentBytes: dropping until the next segment
}

// track is one adaptation set: video or audio.
type track struct {
	id        string // "v" or "a"
	timescale uint32
	init      []byte
	codecs    string
	width     int
	height    int
	channels  int

	segs    []*segment // the kept ones, oldest first; the last may be in progress
	seq     uint32
	samples []mp4.FullSample // the chunk being built
	dur     uint64           // of samples
	bytes   int              // of samples
}

// current returns the segment in progress, or nil.
func (t *track) current() *segment {
	if n := len(t.segs); n > 0 && !t.segs[n-1].done {
		return t.segs[n-1]
	}
	return nil
}

// find returns segment number n, or nil.
func (t *track) find(n int) *segment {
	for _, s := range t.segs {
		if s.number == n {
			return s
		}
	}
	return nil
}

// last returns the newest segment, or nil.
func (t *track) last() *segment {
	if len(t.segs) == 0 {
		return nil
	}
	return t.segs[len(t.segs)-1]
}

// add queues a sample into the chunk being built.
func (t *track) add(s mp4.FullSample) {
	t.samples = append(t.samples, s)
	t.dur += uint64(s.Dur)
	t.bytes += len(s.Data)
}

// encodeChunk turns the queued samples into a chunk (nil if none).
func (t *track) encodeChunk(first bool) ([]byte, error) {
	if len(t.samples) == 0 {
		return nil, nil
	}
	t.seq++
	frag, err := mp4.CreateFragment(t.seq, 1)
	if err != nil {
		return nil, fmt.Errorf("fragment: %w", err)
	}
	for _, s := range t.samples {
		frag.AddFullSample(s)
	}
	var buf bytes.Buffer
	buf.Grow(t.bytes + 256)
	if first {
		if err := mp4.CreateStyp().Encode(&buf); err != nil {
			return nil, fmt.Errorf("styp: %w", err)
		}
	}
	if err := frag.Encode(&buf); err != nil {
		return nil, fmt.Errorf("chunk: %w", err)
	}
	clear(t.samples)
	t.samples, t.dur, t.bytes = t.samples[:0], 0, 0
	return buf.Bytes(), nil
}
