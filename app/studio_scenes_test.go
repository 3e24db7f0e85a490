package app

import (
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/scene"
)

// TestStudioSwitchScenesWhileLive switches between two scenes live, cut
// and fade: the destination stays live without a reconnect and frames keep
// coming; the scene on air is in the snapshot and in the saved settings; a
// scene that cannot be drawn leaves the picture and says why.
func TestStudioSwitchScenesWhileLive(t *testing.T) {
	sink := startSink(t, "127.0.0.1:0")
	dir := t.TempDir()
	scenes := scene.Collection{Scenes: []scene.Scene{
		{Name: "Pattern", Layers: []scene.Layer{{Name: "P", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Full}}},
		{Name: "Titled", Layers: []scene.Layer{
			{Name: "P", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Full},
			{Name: "T", Source: scene.Source{Kind: scene.KindText, Text: "Hello"}, Place: scene.Box{X: 0.1, Y: 0.8, W: 0.5, H: 0.1}}}},
		{Name: "Broken", Layers: []scene.Layer{{Name: "I", Source: scene.Source{Kind: scene.KindImage, Path: "/nonexistent.png"}, Place: scene.Full}}},
	}}
	s := newTestStudio(t, dir, func(st *Settings) {
		st.Output = studioOutput()
		st.Scenes = scenes
		st.Destinations = []dest.Destination{{ID: "a", Name: "Sink", Service: "custom", Server: "rtmp://" + sink.Addr().String() + "/live", Key: "studio-test-key-scenes", Enabled: true}}
	})
	if got := s.Snapshot().Scenes; len(got) != 3 || got[1] != "Titled" {
		t.Fatalf("snapshot scenes = %v", got)
	}
	s.GoLive()
	waitFor(t, 10*time.Second, "live", func() bool { v, _ := sinkFrames(sink, "live/studio-test-key-scenes"); return v > 10 })
	for i, name := range []string{"Pattern", "Titled", "Pattern", "Titled"} {
		s.SwitchScene(name, time.Duration(i%2)*300*time.Millisecond)
		waitFor(t, 5*time.Second, "scene "+name, func() bool { return s.Snapshot().Scene == name })
	}
	before, _ := sinkFrames(sink, "live/studio-test-key-scenes")
	s.SwitchScene("Broken", 0)
	waitFor(t, 5*time.Second, "the broken scene's error", func() bool { return s.Snapshot().Error != "" })
	if snap := s.Snapshot(); snap.Scene != "Titled" {
		t.Errorf("after a scene that cannot be drawn the scene is %q, want Titled", snap.Scene)
	}
	waitFor(t, 5*time.Second, "frames after the switches", func() bool {
		after, _ := sinkFrames(sink, "live/studio-test-key-scenes")
		return after-before > 20
	})
	d := s.Snapshot().Destinations[0]
	if d.State != dest.StateLive || d.Reconnects != 0 {
		t.Errorf("after the switches: state %s, reconnects %d; want live with no reconnect", d.State, d.Reconnects)
	}
	s.Close()
	s2 := newTestStudio(t, dir, nil)
	waitFor(t, 5*time.Second, "the saved scene on air again", func() bool { return s2.Snapshot().Scene == "Titled" })
}

func TestStudioReplaceScenesBeforeStart(t *testing.T) {
	s := newUnstartedStudio(t, t.TempDir(), "127.0.0.1:0", nil)
	s.ReplaceScenes(scene.Collection{Current: "Two", Scenes: []scene.Scene{
		{Name: "One", Layers: []scene.Layer{{Name: "P", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Full}}},
		{Name: "Two", Layers: []scene.Layer{{Name: "C", Source: scene.Source{Kind: scene.KindColor, Color: "#FF0000"}, Place: scene.Full}}},
	}})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "scene Two on air", func() bool { return s.Snapshot().Scene == "Two" })
	if got := s.Snapshot().Scenes; len(got) != 2 || got[0] != "One" {
		t.Errorf("scenes = %v, want One and Two", got)
	}
	// Edits: a bad one is refused whole, a good one is kept and, for the
	// scene on air, shown.
	bad := s.Scenes()
	bad.Scenes[1].Layers[0].Source.Color = "red"
	if err := s.SaveScenes(bad); err == nil {
		t.Error("a scene with a bad colour was saved")
	}
	good := s.Scenes()
	good.Scenes[1].Name = "Two, renamed"
	good.Current = "Two, renamed"
	if err := s.SaveScenes(good); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the renamed scene on air", func() bool { return s.Snapshot().Scene == "Two, renamed" })
	if c := s.Scenes(); c.Scenes[1].Layers[0].Source.Color != "#FF0000" {
		t.Errorf("the refused edit leaked into the scenes: %+v", c.Scenes[1])
	}
}
