package hls

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"

	"github.com/seed7c1a73c4/onair/internal/livetest"
)

// served is a Stream behind a real HTTP server.
type served struct {
	s   *Stream
	srv *httptest.Server
}

func serve(t *testing.T, feed *livetest.Feed) *served {
	t.Helper()
	s := Start(feed, Config{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ServeFile(w, r, path.Base(r.URL.Path))
	}))
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return &served{s: s, srv: srv}
}

func (sv *served) get(t *testing.T, file string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sv.srv.URL+"/"+file, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", file, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (sv *served) media(t *testing.T, file string) *playlist.Media {
	t.Helper()
	code, b := sv.get(t, file)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", file, code, b)
	}
	var pl playlist.Media
	if err := pl.Unmarshal(b); err != nil {
		t.Fatalf("%s does not parse: %v\n%s", file, err, b)
	}
	return &pl
}

// videoPlaylist returns the name of the video media playlist.
func (sv *served) videoPlaylist(t *testing.T) string {
	t.Helper()
	code, b := sv.get(t, "index.m3u8")
	if code != 200 {
		t.Fatalf("index.m3u8: %d", code)
	}
	for _, n := range mediaNames(b) {
		if strings.HasPrefix(n, "video") {
			return n
		}
	}
	t.Fatalf("no video playlist in\n%s", b)
	return ""
}

// TestPlaylistFollowsLLHLSRules checks the media playlist against RFC
// 8216bis for Low-Latency HLS, with media that ffmpeg encoded.
func TestPlaylistFollowsLLHLSRules(t *testing.T) {
	pkts := livetest.ClipPackets(t, 12)
	first, rest := livetest.UntilKeyframe(pkts, 5) // four GOPs of 2 s
	feed := livetest.NewFeed()
	sv := serve(t, feed)
	feed.Push(first...)
	name := sv.videoPlaylist(t)
	if !feed.WaitIdle() {
		t.Fatal("the muxer did not read the packets")
	}
	pl := sv.media(t, name)
	if n := len(realSegments(pl)); n != 3 {
		t.Errorf("%d segments after four GOPs; want 3 (the fourth is being made)", n)
	}
	checkLLHLS(t, sv, pl)

	// Blocking reload: the next part does not exist yet. The request must
	// not answer before it does, and must answer with it.
	msn := pl.MediaSequence + len(pl.Segments)
	part := len(pl.Parts)
	type answer struct {
		code int
		body []byte
	}
	ch := make(chan answer, 1)
	go func() {
		code, b := sv.get(t, fmt.Sprintf("%s?_HLS_msn=%d&_HLS_part=%d", name, msn, part))
		ch <- answer{code, b}
	}()
	hint := pl.PreloadHint.URI
	hintCh := make(chan answer, 1)
	go func() {
		code, b := sv.get(t, hint)
		hintCh <- answer{code, b}
	}()
	select {
	case a := <-ch:
		t.Fatalf("a blocking reload for part %d.%d answered before the part existed: %d\n%s", msn, part, a.code, a.body)
	case a := <-hintCh:
		t.Fatalf("the preload hint %s answered before the part existed: %d", hint, a.code)
	case <-time.After(300 * time.Millisecond):
	}
	feed.Push(rest[:60]...)
	a := <-ch
	var got playlist.Media
	if a.code != 200 || got.Unmarshal(a.body) != nil {
		t.Fatalf("blocking reload: %d\n%s", a.code, a.body)
	}
	if !hasPart(&got, msn, part) {
		t.Errorf("the blocking reload for %d.%d answered without that part:\n%s", msn, part, a.body)
	}
	if h := <-hintCh; h.code != 200 || len(h.body) == 0 {
		t.Errorf("the preload hint %s: %d, %d bytes", hint, h.code, len(h.body))
	}

	// Bad requests.
	for _, c := range []struct {
		q    string
		want int
	}{
		{name + "?_HLS_msn=x", 400},
		{name + "?_HLS_part=1", 400},
		{name + "?_HLS_msn=-1", 400},
		{fmt.Sprintf("%s?_HLS_msn=%d", name, msn+3), 400},
		{fmt.Sprintf("%s?_HLS_msn=%d&_HLS_part=%d", name, msn+1, 1000), 400},
		{name + "?_HLS_skip=maybe", 400},
		{"nope.mp4", 404},
		{"gap.mp4", 404},
		{strings.Replace(pl.Map.URI, "init", "inix", 1), 404},
		{strings.Replace(hint, "part", "part9", 1), 404},
	} {
		if code, _ := sv.get(t, c.q); code != c.want {
			t.Errorf("GET %s: %d, want %d", c.q, code, c.want)
		}
	}
	// A delta update skips the older segments.
	if code, b := sv.get(t, name+"?_HLS_skip=YES"); code != 200 || !strings.Contains(string(b), "#EXT-X-SKIP") && len(realSegments(pl)) > 6 {
		t.Errorf("delta update: %d\n%s", code, b)
	}

	// The end: EXT-X-ENDLIST, no hint, and a blocking request answers at once.
	feed.Push(rest[60:]...)
	feed.End()
	if !feed.WaitClosed() {
		t.Fatal("the muxer did not see the end")
	}
	ended := sv.media(t, fmt.Sprintf("%s?_HLS_msn=%d", name, msn+100))
	if !ended.Endlist || ended.PreloadHint != nil || len(ended.Parts) != 0 {
		t.Errorf("after the end: ENDLIST %v, hint %v, %d trailing parts", ended.Endlist, ended.PreloadHint, len(ended.Parts))
	}
	checkLLHLS(t, sv, ended)
}

func realSegments(pl *playlist.Media) []*playlist.MediaSegment {
	var out []*playlist.MediaSegment
	for _, s := range pl.Segments {
		if !s.Gap {
			out = append(out, s)
		}
	}
	return out
}

func hasPart(pl *playlist.Media, msn, part int) bool {
	if msn < pl.MediaSequence+len(pl.Segments) {
		return true
	}
	return part < len(pl.Parts)
}

// checkLLHLS applies the rules of RFC 8216bis that a server must follow.
func checkLLHLS(t *testing.T, sv *served, pl *playlist.Media) {
	t.Helper()
	sc, pi := pl.ServerControl, pl.PartInf
	if sc == nil || !sc.CanBlockReload || pi == nil || sc.PartHoldBack == nil {
		t.Fatalf("EXT-X-SERVER-CONTROL with CAN-BLOCK-RELOAD and PART-HOLD-BACK, and EXT-X-PART-INF: %+v %+v", sc, pi)
	}
	if *sc.PartHoldBack < 3*pi.PartTarget {
		t.Errorf("PART-HOLD-BACK %s < 3 × PART-TARGET %s", *sc.PartHoldBack, pi.PartTarget)
	}
	if !pl.Endlist && pl.PreloadHint == nil {
		t.Errorf("a live LL-HLS playlist without EXT-X-PRELOAD-HINT")
	}
	var parts []*playlist.MediaPart
	for _, seg := range pl.Segments {
		if d := int(math.Round(seg.Duration.Seconds())); d > pl.TargetDuration {
			t.Errorf("EXTINF %s rounds above EXT-X-TARGETDURATION %d", seg.Duration, pl.TargetDuration)
		}
		if len(seg.Parts) > 0 && !seg.Parts[0].Independent {
			t.Errorf("segment %s: its first part is not INDEPENDENT", seg.URI)
		}
		parts = append(parts, seg.Parts...)
		if !seg.Gap {
			if code, b := sv.get(t, seg.URI); code != 200 || !startsWithIDR(b) {
				t.Errorf("segment %s (%d, %d bytes) does not start on a keyframe", seg.URI, code, len(b))
			}
		}
	}
	parts = append(parts, pl.Parts...)
	if len(parts) == 0 {
		t.Errorf("no EXT-X-PART")
	}
	for i, p := range parts {
		if p.Duration > pi.PartTarget {
			t.Errorf("part %s lasts %s > PART-TARGET %s", p.URI, p.Duration, pi.PartTarget)
		}
		if i < len(parts)-1 && p.Duration < pi.PartTarget*85/100 && !parts[i+1].Independent {
			t.Errorf("part %s lasts %s < 85%% of PART-TARGET %s", p.URI, p.Duration, pi.PartTarget)
		}
		if p.Independent {
			if code, b := sv.get(t, p.URI); code != 200 || !startsWithIDR(b) {
				t.Errorf("INDEPENDENT part %s does not start on a keyframe", p.URI)
			}
		}
	}
}

// startsWithIDR reports whether the first slice of an fMP4 fragment's
// media data (AVCC, 4-byte lengths) is an IDR slice.
func startsWithIDR(b []byte) bool {
	for len(b) >= 8 {
		size, typ := int(binary.BigEndian.Uint32(b)), string(b[4:8])
		if size < 8 || size > len(b) {
			return false
		}
		if typ == "mdat" {
			d := b[8:size]
			for len(d) >= 5 {
				n := int(binary.BigEndian.Uint32(d))
				if n == 0 || 4+n > len(d) {
					return false
				}
				switch d[4] & 0x1F {
				case 5:
					return true
				case 1:
					return false
				}
				d = d[4+n:]
			}
			return false
		}
		b = b[size:]
	}
	return false
}
