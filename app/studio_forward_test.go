package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/forward"
	"github.com/seed7c1a73c4/onair/media"
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

// A restream from the window sends a camera as it is to the platforms that
// ingest its codec (YouTube: HEVC and AV1 over Enhanced RTMP) and
// re-encodes it once for the rest, at the strictest of their limits.
func TestRestreamOutputsGroupByWhatThePlatformsTake(t *testing.T) {
	ds := []dest.Destination{{Name: "YT", Service: "youtube-rtmps"}, {Name: "Twitch", Service: "twitch"},
		{Name: "YT2", Service: "youtube"}, {Name: "Mine", Service: dest.CustomServiceID}, {Name: "FB", Service: "facebook"}}
	outs := restreamOutputs(ds)
	if len(outs) != 2 {
		t.Fatalf("%d outputs, want 2 (YouTube's, the H.264-only platforms')", len(outs))
	}
	names := func(o forward.Output) (s []string) {
		for _, d := range o.Dests {
			s = append(s, d.Name)
		}
		return s
	}
	yt, rest := outs[0], outs[1]
	if got := names(yt); !slices.Equal(got, []string{"YT", "YT2"}) || !slices.Contains(yt.Takes, media.CodecHEVC) || yt.AutoTranscode.Bitrate != 12_000_000 {
		t.Errorf("YouTube's output: %v taking %v, re-encoding others at %d b/s", got, yt.Takes, yt.AutoTranscode.Bitrate)
	}
	if got := names(rest); !slices.Equal(got, []string{"Twitch", "Mine", "FB"}) || len(rest.Takes) != 0 || rest.AutoTranscode.Bitrate != 6_000_000 {
		t.Errorf("the other output: %v taking %v, re-encoding at %d b/s", got, rest.Takes, rest.AutoTranscode.Bitrate)
	}
	if rest.Transcode != nil || yt.Transcode != nil {
		t.Error("a window's restream re-encodes only what a platform does not take")
	}
}
