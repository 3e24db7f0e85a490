package dash

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/livetest"
)

func serve(t *testing.T, feed *livetest.Feed) string {
	t.Helper()
	s := Start(feed, Config{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ServeFile(w, r, path.Base(r.URL.Path))
	}))
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return srv.URL
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// mpd is what the tests read of a manifest.
type mpd struct {
	Type     string `xml:"type,attr"`
	Duration string `xml:"mediaPresentationDuration,attr"`
	Update   string `xml:"minimumUpdatePeriod,attr"`
	AST      string `xml:"availabilityStartTime,attr"`
	Sets     []struct {
		ContentType string `xml:"contentType,attr"`
		Template    struct {
			Timescale int     `xml:"timescale,attr"`
			Duration  int     `xml:"duration,attr"`
			Media     string  `xml:"media,attr"`
			Init      string  `xml:"initialization,attr"`
			ATO       float64 `xml:"availabilityTimeOffset,attr"`
			Complete  string  `xml:"availabilityTimeComplete,attr"`
		} `xml:"SegmentTemplate"`
		Rep struct {
			Codecs string `xml:"codecs,attr"`
			Width  int    `xml:"width,attr"`
		} `xml:"Representation"`
	} `xml:"Period>AdaptationSet"`
	UTCTiming struct {
		Scheme string `xml:"schemeIdUri,attr"`
	} `xml:"UTCTiming"`
}

// TestDASHSegmentsAndChunks feeds ffmpeg-encoded media and checks the
// manifest, that video segments start on keyframes and follow the
// template's numbers, that a segment being made arrives chunk by chunk,
// and the end.
func TestDASHSegmentsAndChunks(t *testing.T) {
	pkts := livetest.ClipPackets(t, 12)
	first, rest := livetest.UntilKeyframe(pkts, 4)
	feed := livetest.NewFeed()
	base := serve(t, feed)
	feed.Push(first...)
	feed.Push(rest[:30]...) // segment 4 is started
	rest = rest[30:]
	if !feed.WaitIdle() {
		t.Fatal("the segmenter did not read the packets")
	}
	code, b := get(t, base+"/manifest.mpd")
	var m mpd
	if code != 200 || xml.Unmarshal(b, &m) != nil {
		t.Fatalf("manifest: %d\n%s", code, b)
	}
	if m.Type != "dynamic" || m.Update == "" || m.UTCTiming.Scheme == "" || len(m.Sets) != 2 {
		t.Fatalf("manifest:\n%s", b)
	}
	v, a := m.Sets[0], m.Sets[1]
	if v.ContentType != "video" || v.Rep.Codecs != "avc1.64000d" || v.Rep.Width != 320 || a.Rep.Codecs != "mp4a.40.2" {
		t.Errorf("adaptation sets: %+v", m.Sets)
	}
	if v.Template.Duration != 2*90000 || v.Template.Complete != "false" || v.Template.ATO <= 0 {
		t.Errorf("video template %+v; want 2 s segments, availabilityTimeComplete=false and an offset", v.Template)
	}
	for n := 1; n <= 3; n++ { // three complete GOPs
		url := base + "/" + strings.Replace(v.Template.Media, "$Number$", itoa(n), 1)
		if code, seg := get(t, url); code != 200 || !firstSampleIsSync(seg) {
			t.Errorf("video segment %d: %d, %d bytes, starts on a sync sample: %v", n, code, len(seg), firstSampleIsSync(seg))
		}
		if code, seg := get(t, base+"/"+strings.Replace(a.Template.Media, "$Number$", itoa(n), 1)); code != 200 || len(seg) == 0 {
			t.Errorf("audio segment %d: %d", n, code)
		}
	}
	for _, f := range []string{"dash-v-99.m4s", "dash-x-1.m4s", "dash-v-0x1.m4s", "dash-v-init.mp5", "manifest.xml", "dash-v--1.m4s"} {
		if code, _ := get(t, base+"/"+f); code != 404 {
			t.Errorf("GET %s: %d, want 404", f, code)
		}
	}
	// Segment 4 is being made: its chunks come as they are made.
	resp, err := http.Get(base + "/dash-v-4.m4s")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength >= 0 {
		t.Fatalf("segment 4 being made: %d, length %d; want 200 with chunked transfer", resp.StatusCode, resp.ContentLength)
	}
	br := bufio.NewReader(resp.Body)
	if styp := readBox(t, br); styp != "styp" {
		t.Fatalf("segment 4 starts with %q", styp)
	}
	moofs := 0
	for moofs < 2 { // what was made so far, then what comes
		switch readBox(t, br) {
		case "moof":
			moofs++
			if moofs == 1 {
				feed.Push(rest...)
				feed.End()
			}
		case "":
			t.Fatalf("segment 4 ended after %d chunks", moofs)
		}
	}
	if !feed.WaitClosed() {
		t.Fatal("the segmenter did not see the end")
	}
	_, b = get(t, base+"/manifest.mpd")
	var end mpd
	if xml.Unmarshal(b, &end) != nil || end.Duration == "" || end.Update != "" {
		t.Errorf("the manifest after the end:\n%s", b)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// readBox reads one top-level box and returns its type ("" at the end).
func readBox(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var hdr [8]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return ""
	}
	size := binary.BigEndian.Uint32(hdr[:])
	if size < 8 {
		t.Fatalf("box of size %d", size)
	}
	if _, err := io.CopyN(io.Discard, r, int64(size-8)); err != nil {
		t.Fatalf("box %s: %v", hdr[4:], err)
	}
	return string(hdr[4:])
}

// firstSampleIsSync reports whether the first trun's first sample (or the
// tfhd/trun first-sample flags) is a sync sample.
func firstSampleIsSync(seg []byte) bool {
	i := strings.Index(string(seg), "trun")
	if i < 4 || len(seg) < i+16 {
		return false
	}
	flags := binary.BigEndian.Uint32(seg[i+4:]) & 0xFFFFFF
	p := i + 12 // after version/flags and sample_count
	if flags&0x1 != 0 {
		p += 4 // data offset
	}
	if flags&0x4 != 0 { // first-sample-flags
		return binary.BigEndian.Uint32(seg[p:])&0x10000 == 0
	}
	if flags&0x400 == 0 {
		return false
	}
	if flags&0x100 != 0 {
		p += 4
	}
	if flags&0x200 != 0 {
		p += 4
	}
	return binary.BigEndian.Uint32(seg[p:])&0x10000 == 0
}
