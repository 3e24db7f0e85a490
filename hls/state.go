package hls

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// state is a snapshot of the playlists as viewers get them, rebuilt by the
// feeder whenever the muxer's playlists change.
type state struct {
	index []byte
	media map[string]*mediaPlaylist // by file name
	files map[string]bool           // every URI that a playlist lists
	hints map[string]bool           // preload hints: parts to come
}

// mediaPlaylist is one media playlist in its three forms.
type mediaPlaylist struct {
	pl           *playlist.Media
	raw          []byte // as the muxer wrote it
	full, delta  []byte
	ended        []byte // the full form closed with EXT-X-ENDLIST
	lastMSN      int    // media sequence number of the last full segment
	target       time.Duration
	partTarget   time.Duration
	partsOf      map[int]int // parts listed per full segment
	partsPending int         // parts of the segment being made
}

// refresh rebuilds the snapshot from the muxer and wakes the waiting
// requests when it changed.
func (s *Stream) refresh() {
	s.mu.Lock()
	mux, content, old := s.mux, s.content, s.state
	s.mu.Unlock()
	if mux == nil || !content {
		return
	}
	get := func(file, q string) []byte {
		rec := newRecorder()
		mux.Handle(rec, internalRequest(file, q))
		if rec.code != http.StatusOK {
			return nil
		}
		return rec.buf.Bytes()
	}
	st := &state{media: map[string]*mediaPlaylist{}, files: map[string]bool{}, hints: map[string]bool{}}
	if old != nil {
		st.index = old.index
	} else if st.index = get("index.m3u8", ""); st.index == nil {
		return
	}
	names := mediaNames(st.index)
	raw := make([][]byte, len(names))
	same := old != nil && len(old.media) == len(names)
	for i, name := range names {
		raw[i] = get(name, "")
		same = same && old.media[name] != nil && bytes.Equal(old.media[name].raw, raw[i])
	}
	if same {
		return
	}
	for i, name := range names {
		mp := parseMedia(raw[i], get(name, "_HLS_skip=YES"))
		if mp == nil {
			return
		}
		st.media[name] = mp
		mp.collect(st)
	}
	s.mu.Lock()
	s.state = st
	s.broadcastLocked()
	s.mu.Unlock()
}

// mediaNames lists the media playlists of a multivariant playlist.
func mediaNames(index []byte) []string {
	var names []string
	for _, line := range strings.Split(string(index), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			names = append(names, line)
		}
		if _, rest, ok := strings.Cut(line, `URI="`); ok && strings.HasPrefix(line, "#EXT-X-MEDIA:") {
			if u, _, ok := strings.Cut(rest, `"`); ok {
				names = append(names, u)
			}
		}
	}
	return names
}

// parseMedia parses the muxer's full and delta forms of a media playlist
// and applies this package's rules: PART-HOLD-BACK is three part targets,
// as RFC 8216bis recommends.
func parseMedia(full, delta []byte) *mediaPlaylist {
	pl, ok := unmarshalMedia(full)
	if !ok {
		return nil
	}
	dl, ok := unmarshalMedia(delta)
	if !ok {
		return nil
	}
	mp := &mediaPlaylist{pl: pl, raw: full, partsOf: map[int]int{}, target: time.Duration(pl.TargetDuration) * time.Second}
	if pl.PartInf != nil {
		mp.partTarget = pl.PartInf.PartTarget
		for _, p := range []*playlist.Media{pl, dl} {
			if p.ServerControl != nil {
				hb := 3 * mp.partTarget
				p.ServerControl.PartHoldBack = &hb
			}
		}
	}
	var err error
	if mp.full, err = pl.Marshal(); err != nil {
		return nil
	}
	if mp.delta, err = dl.Marshal(); err != nil {
		return nil
	}
	ended := *pl
	ended.Parts, ended.PreloadHint, ended.Endlist = nil, nil, true
	if mp.ended, err = ended.Marshal(); err != nil {
		return nil
	}
	mp.lastMSN = pl.MediaSequence + len(pl.Segments) - 1
	for i, seg := range pl.Segments {
		mp.partsOf[pl.MediaSequence+i] = len(seg.Parts)
	}
	mp.partsPending = len(pl.Parts)
	return mp
}

func unmarshalMedia(b []byte) (*playlist.Media, bool) {
	if b == nil {
		return nil, false
	}
	var pl playlist.Media
	if err := pl.Unmarshal(b); err != nil {
		return nil, false
	}
	return &pl, true
}

// collect adds the URIs the playlist lists to st.
func (mp *mediaPlaylist) collect(st *state) {
	pl := mp.pl
	if pl.Map != nil {
		st.files[pl.Map.URI] = true
	}
	for _, seg := range pl.Segments {
		if !seg.Gap {
			st.files[seg.URI] = true
		}
		for _, p := range seg.Parts {
			st.files[p.URI] = true
		}
	}
	for _, p := range pl.Parts {
		st.files[p.URI] = true
	}
	if pl.PreloadHint != nil {
		st.hints[pl.PreloadHint.URI] = true
	}
}

// has reports whether the playlist holds part `part` of segment msn, or the
// whole segment when part < 0. A part index past a segment's last part
// means part 0 of the next segment (RFC 8216bis 6.2.5.2).
func (mp *mediaPlaylist) has(msn, part int) bool {
	for i := 0; i < 1000; i++ { // bounded by the segments listed
		switch {
		case msn <= mp.lastMSN && part < 0:
			return true
		case msn <= mp.lastMSN && msn < mp.pl.MediaSequence:
			return true
		case msn <= mp.lastMSN && part < mp.partsOf[msn]:
			return true
		case msn <= mp.lastMSN:
			msn, part = msn+1, 0
		case msn == mp.lastMSN+1 && part >= 0:
			return part < mp.partsPending
		default:
			return false
		}
	}
	return false
}

// recorder is an http.ResponseWriter into memory, for the muxer's
// playlists.
type recorder struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.buf.Write(b)
}
