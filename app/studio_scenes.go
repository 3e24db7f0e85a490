package app

import (
	"fmt"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/scene"
)

// sceneVideo is the video setting (and the program's video spec) while a
// scene is composed.
const sceneVideo = "scene"

func sceneNames(c scene.Collection) []string {
	names := make([]string, len(c.Scenes))
	for i, s := range c.Scenes {
		names[i] = s.Name
	}
	return names
}

// SwitchScene puts the scene called name on air, live or not, with a cut
// (fade 0) or a fade: the encoder runs on, so destinations see no break.
// A scene whose sources cannot open leaves the picture as it was and says
// why.
func (s *Studio) SwitchScene(name string, fade time.Duration) {
	s.onProgram(true, func(p *program.Program) error {
		s.mu.Lock()
		coll := s.settings.Scenes
		s.mu.Unlock()
		sc, err := coll.Find(name)
		if err == nil {
			err = p.SwitchScene(sc, fade)
		}
		if err != nil {
			return fmt.Errorf("switching to the scene %q: %w", name, err)
		}
		s.mu.Lock()
		s.settings.Video = sceneVideo
		s.settings.Scenes.Current = name
		s.mu.Unlock()
		return nil
	})
}

// ReplaceScenes makes c the studio's scenes, with its current scene on
// air, and saves them. Call it before Start.
func (s *Studio) ReplaceScenes(c scene.Collection) {
	s.mu.Lock()
	s.settings.Scenes = c
	s.settings.Video = sceneVideo
	s.mu.Unlock()
	s.save()
}

// Scenes returns a copy of the studio's scenes, for the editor.
func (s *Studio) Scenes() scene.Collection {
	s.mu.Lock()
	c := s.settings.Scenes
	s.mu.Unlock()
	return c.Clone()
}

// SaveScenes replaces the scenes after checking them (the error names the
// scene and layer at fault, and nothing changes). c.Current names the scene
// on air in c (the editor follows a rename); when it is empty, the scene on
// air keeps its place if its name is still there, and the first scene
// takes it otherwise. When a scene is on air, its new version goes on air
// with a cut.
func (s *Studio) SaveScenes(c scene.Collection) error {
	if c.Current != "" {
		if _, err := c.Find(c.Current); err != nil {
			c.Current = ""
		}
	}
	if err := c.Validate(); err != nil {
		return err
	}
	c = c.Clone()
	s.do(func() {
		s.mu.Lock()
		if _, err := c.Find(s.settings.Scenes.Current); err == nil && c.Current == "" {
			c.Current = s.settings.Scenes.Current
		}
		s.settings.Scenes = c
		prog, onScene := s.prog, s.settings.Video == sceneVideo
		s.mu.Unlock()
		s.save()
		if prog == nil || !onScene {
			return
		}
		sc, err := c.Find("")
		if err == nil {
			err = prog.SwitchScene(sc, 0)
		}
		if err != nil {
			s.setErr(fmt.Errorf("showing the edited scene %q: %w", sc.Name, err))
			return
		}
		s.setErr(nil)
	})
	return nil
}
