package app

import (
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// sinkVideo is what a sink's stream says of its video, or nil.
func sinkVideo(srv *server.Server, name string) *server.VideoStats {
	for _, st := range srv.Stats().Streams {
		if st.Name == name && st.Live && st.VideoFrames > 0 {
			return st.Video
		}
	}
	return nil
}

// With the output set to HEVC, Go Live sends x265's HEVC over Enhanced RTMP
// to every destination, and pre-flight names the platform that takes only
// H.264 (Twitch here, disabled so that nothing dials it).
func TestStudioGoLiveHEVC(t *testing.T) {
	sink := startSink(t, "127.0.0.1:0")
	s := newTestStudio(t, t.TempDir(), func(st *Settings) {
		st.Output = studioOutput()
		st.Output.Width, st.Output.Height, st.Output.Codec, st.Output.Encoder = 320, 180, program.CodecHEVC, "x265"
		st.Destinations = []dest.Destination{
			{ID: "a", Name: "Sink", Service: "custom", Server: "rtmp://" + sink.Addr().String() + "/live", Key: "studio-test-key-hevc", Enabled: true},
			{ID: "t", Name: "Twitch", Service: "twitch", Server: "rtmps://live.twitch.tv:443/app", Key: "studio-test-key-twitch", Enabled: false},
		}
	})
	s.GoLive()
	var v *server.VideoStats
	waitFor(t, 15*time.Second, "the sink to receive video", func() bool {
		v = sinkVideo(sink, "live/studio-test-key-hevc")
		return v != nil && v.Width > 0
	})
	if v.Codec != "hevc" || v.Width != 320 || v.Height != 180 {
		t.Errorf("the sink receives %+v, want hevc 320x180", *v)
	}
	s.Stop()
	waitFor(t, 5*time.Second, "the studio to stop", func() bool { return !s.Snapshot().Live })

	if ws := s.Snapshot().Warnings; len(ws) != 0 {
		t.Errorf("warnings with Twitch disabled: %+v", ws)
	}
	s.SetDestinationEnabled("t", true)
	waitFor(t, 5*time.Second, "pre-flight to name Twitch", func() bool {
		for _, w := range s.Snapshot().Warnings {
			if w.Destination == "Twitch" && strings.Contains(w.Message, "the video is HEVC; Twitch takes only H.264") {
				return true
			}
		}
		return false
	})
}
