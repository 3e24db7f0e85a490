package app

import (
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/scene"
)

// TestStudioMixControls works the program's audio mix from the studio: a
// gain, a mute, a source removed and added again (kept in the settings),
// and a source that is already there refused with a sentence.
func TestStudioMixControls(t *testing.T) {
	dir := t.TempDir()
	s := newTestStudio(t, dir, func(st *Settings) {
		st.Output = studioOutput()
		st.Video, st.Audio = sceneVideo, "test"
		st.Scenes = scene.Collection{Scenes: []scene.Scene{{Name: "P", Layers: []scene.Layer{
			{Name: "P", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Full}}}}}
	})
	mix := func() []MixSource { return s.Snapshot().Mix }
	waitFor(t, 5*time.Second, "the mix", func() bool { m := mix(); return len(m) == 1 && m[0].Name == "test" })
	s.SetMixGain("test", -6)
	s.SetMixMuted("test", true)
	waitFor(t, 5*time.Second, "gain and mute", func() bool { m := mix(); return len(m) == 1 && m[0].GainDB == -6 && m[0].Muted })
	s.AddMixSource("test")
	waitFor(t, 5*time.Second, "the refusal", func() bool { return s.Snapshot().Error != "" })
	s.RemoveMixSource("test")
	waitFor(t, 5*time.Second, "an empty mix", func() bool { return len(mix()) == 0 })
	if a := s.Snapshot().Audio; a != "none" {
		t.Errorf("audio setting %q after removing the only source, want none", a)
	}
	s.AddMixSource("test")
	waitFor(t, 5*time.Second, "the tone back, with its saved gain and mute", func() bool {
		m := mix()
		return len(m) == 1 && m[0].Muted && m[0].GainDB == -6
	})
	s.SetMixMuted("test", false)
	s.mu.Lock()
	audio := s.settings.Audio
	s.mu.Unlock()
	if audio != "test" {
		t.Errorf("the audio setting is %q, want the tone kept", audio)
	}
	// The source's gain and mute are kept: a new studio on the same
	// settings gives them back.
	s.SetMixGain("test", -12)
	waitFor(t, 5*time.Second, "the new gain", func() bool { m := mix(); return len(m) == 1 && m[0].GainDB == -12 })
	s.Close()
	s2 := newTestStudio(t, dir, nil)
	waitFor(t, 5*time.Second, "the saved gain after a restart", func() bool {
		m := s2.Snapshot().Mix
		return len(m) == 1 && m[0].GainDB == -12 && !m[0].Muted
	})
}
