package server

import (
	"strings"
	"testing"

	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

// TestServerHostileNames checks that stream names that are not safe as
// file names, and the name of a stream already live, are refused with an
// onStatus error and the connection closed.
func TestServerHostileNames(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	e := newHostileEnv(t, hostileConfig())
	for _, c := range []struct{ label, name string }{
		{"dot-dot", "../x"},
		{"backslash", "a\\b"},
		{"NUL", "a\x00b"},
		{"64 KiB", strings.Repeat("n", 64<<10)},
		{"dot-dot with a key", "../x?key=abc"},
		{"empty", ""},
		{"slash only", "/"},
		{"the live healthy stream", "healthy"},
	} {
		t.Run(c.label, func(t *testing.T) {
			rc := dialRTMP(t, e.addr)
			rc.connect("live")
			sid := rc.createStream(2)
			rc.mustSend(cmd(t, chunk.CSIDStream, sid, "publish", 0, nil, c.name, "live"))
			if st := chunk.StatusOf(rc.expect("onStatus", chunk.StatusPublishBadName)); st.Level != "error" {
				t.Errorf("publish %q: %+v", truncate(c.name), st)
			}
			rc.requireClosed(closedSoon)
			if s, ok := e.streamStats("live/healthy"); !ok || s.Publisher != e.h.pub.LocalAddr().String() {
				t.Errorf("live/healthy is now published by %q, want the healthy publisher %s", s.Publisher, e.h.pub.LocalAddr())
			}
			for _, s := range e.srv.Stats().Streams {
				if s.Name != "live/healthy" {
					t.Errorf("a refused name left a stream behind: %q", truncate(s.Name))
				}
			}
			e.requireFlowing(t, "publish of "+c.label)
		})
	}
}

// validNALs reports whether b is a sequence of non-empty NAL units, each
// prefixed by its length in size bytes, that exactly fill it.
func validNALs(b []byte, size int) bool {
	for len(b) > 0 {
		if len(b) < size {
			return false
		}
		var n uint64
		for _, c := range b[:size] {
			n = n<<8 | uint64(c)
		}
		b = b[size:]
		if n == 0 || n > uint64(len(b)) {
			return false
		}
		b = b[n:]
	}
	return true
}

// sps16k is an H.264 baseline SPS announcing 16384x16384 pixels: legal for
// ParseSPS, over the server's 8192 ingest limit.
func sps16k(t *testing.T) []byte {
	t.Helper()
	// sps_id 0, log2_max_frame_num-4 0, poc type 0, log2_max_poc_lsb-4 0,
	// 1 ref frame, no gaps, width and height 1024 MBs (ue 1023), frame
	// MBs only, direct 8x8, no cropping, no VUI, stop bit.
	bits := "1 1 1 1 010 0 " + "00000000001" + "0000000000" + " " + "00000000001" + "0000000000" + " 1 1 0 0 1"
	sps := append([]byte{0x67, 66, 0, 40}, bitString(bits)...)
	info, err := h264.ParseSPS(sps)
	if err != nil || info.Width != 16384 || info.Height != 16384 {
		t.Fatalf("built SPS parses as %+v, %v", info, err)
	}
	return sps
}
