package app

import (
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
)

// The studio restreams an incoming stream of its local server (here its own
// live/program) to a saved destination, shows that destination's state on
// the stream, and stops on request.
func TestStudioForwardsAnIncomingStream(t *testing.T) {
	sinkAddr := "127.0.0.1:" + freePort(t)
	sink := startSink(t, sinkAddr)
	s := newTestStudio(t, t.TempDir(), func(st *Settings) {
		st.Output = studioOutput()
		st.Destinations = []dest.Destination{{ID: "relay", Name: "Relay", Service: "custom",
			Server: "rtmp://" + sinkAddr + "/live", Key: "relay-key-1", Enabled: false}}
	})
	waitFor(t, 10*time.Second, "live/program on the local server", func() bool { return s.Snapshot().ProgramPlayURL != "" })
	s.ForwardIncoming(ProgramStream, nil)
	waitFor(t, 5*time.Second, "the no-destination sentence", func() bool { return s.Snapshot().Error != "" })

	s.ForwardIncoming(ProgramStream, []string{"relay"})
	waitFor(t, 15*time.Second, "video at the relay", func() bool { v, _ := sinkFrames(sink, "live/relay-key-1"); return v > 30 })
	forwarding := func() []dest.Status {
		for _, in := range s.Snapshot().Server.Streams {
			if in.Name == "live/"+ProgramStream {
				return in.Forwarding
			}
		}
		return nil
	}
	waitFor(t, 5*time.Second, "the relay live in the snapshot", func() bool {
		f := forwarding()
		return len(f) == 1 && f[0].State == dest.StateLive && f[0].BytesSent > 0
	})
	if f := forwarding(); f[0].Name != "Relay" || f[0].URL == "" || strings.Contains(f[0].URL, "relay-key-1") {
		t.Errorf("forwarding status %+v", f[0])
	}
	if s.Snapshot().Error != "" {
		t.Errorf("the earlier problem is still shown: %q", s.Snapshot().Error)
	}
	if s.Snapshot().Live {
		t.Error("forwarding made the studio live")
	}
	s.StopForward(ProgramStream)
	waitFor(t, 5*time.Second, "the forward gone", func() bool { return len(forwarding()) == 0 })
	waitFor(t, 10*time.Second, "the relay stream ended", func() bool { v, _ := sinkFrames(sink, "live/relay-key-1"); return v == 0 })
}

// A restream from the window re-encodes a camera that is not H.264 for the
// strictest of its platforms, once for all of them.
func TestAutoTranscodeTakesTheLowestLimit(t *testing.T) {
	for _, c := range []struct {
		services []string
		want     int
	}{
		{[]string{"youtube-rtmps", "twitch", "facebook"}, 6_000_000},
		{[]string{"youtube-rtmps", "facebook"}, 9_000_000},
		{[]string{dest.CustomServiceID}, defaultTranscodeBitrate},
	} {
		var ds []dest.Destination
		for _, s := range c.services {
			ds = append(ds, dest.Destination{Service: s})
		}
		if got := autoTranscode(ds); got.Bitrate != c.want || got.KeyInt != 2*time.Second {
			t.Errorf("%v: %+v, want %d b/s, keyframes every 2 s", c.services, *got, c.want)
		}
	}
}
