package app

import (
	"context"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/media"
)

// The studio encodes only while something takes the program: idle at
// first (the preview runs), on for a player of live/program on the local
// server, whose first video frame is a keyframe, idle again after the
// grace once the player left, and on at once for Go Live to the local
// server.
func TestStudioEncodesOnlyWhileTheProgramIsTaken(t *testing.T) {
	s := newTestStudio(t, t.TempDir(), func(st *Settings) { st.Output = studioOutput() })
	idle := func() bool { return s.Snapshot().EncoderIdle }
	waitFor(t, 10*time.Second, "live/program on the local server", func() bool { return s.Snapshot().ProgramPlayURL != "" })
	waitFor(t, 10*time.Second, "the encoder idle with nobody watching", idle)
	waitFor(t, 10*time.Second, "the preview running", func() bool { return s.Preview().Seq() > 5 })

	s.mu.Lock()
	srv := s.server.RTMP
	s.mu.Unlock()
	r, leave, err := srv.Watch("live/"+ProgramStream, media.QueueLimits{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the encoder on for the player", func() bool { return !idle() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		p, err := r.Pop(ctx)
		if err != nil {
			t.Fatalf("no video for the player: %v", err)
		}
		if p.Kind == media.KindVideo && !p.Header {
			if !p.Key {
				t.Fatalf("the player's first video frame is not a keyframe: %+v", p)
			}
			break
		}
	}
	leave()
	waitFor(t, encodingGrace+10*time.Second, "the encoder idle after the player left", idle)

	s.GoLive()
	waitFor(t, 10*time.Second, "the encoder on for Go Live", func() bool { return !idle() })
	s.Stop()
	waitFor(t, encodingGrace+10*time.Second, "the encoder idle after Stop", idle)
}
