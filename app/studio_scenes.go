package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"
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

// pipPlace is where ShowInScene puts a stream: the bottom-right corner,
// a little under a third of the canvas.
var pipPlace = scene.Box{X: 0.68, Y: 0.66, W: 0.3, H: 0.3}

// ShowInScene shows the incoming stream name ("live/cam") of the local
// server in the scene on air, as a picture in picture in the bottom-right
// corner with its sound in the mix, and puts that scene on air if the
// program was showing a single source. A stream the scene shows already
// is made visible again rather than added twice. The layer shares the
// decoder of the stream's tile.
func (s *Studio) ShowInScene(name string) error {
	s.mu.Lock()
	srv, coll, onScene := s.server, s.settings.Scenes.Clone(), s.settings.Video == sceneVideo
	s.mu.Unlock()
	if srv == nil {
		return errors.New("the local server is off: turn it on to show its streams")
	}
	sc, err := coll.Find("")
	if err != nil {
		return fmt.Errorf("no scene to show %s in: %w", s.cfg.Secrets.Redact(name), err)
	}
	i := slices.IndexFunc(coll.Scenes, func(x scene.Scene) bool { return x.Name == sc.Name })
	layers := coll.Scenes[i].Layers
	found := false
	for j := range layers {
		if layers[j].Source.Kind != scene.KindStream {
			continue
		}
		if n, ok := srv.IncomingName(layers[j].Source.URL); ok && n == name {
			layers[j].Hidden, found = false, true
		}
	}
	if !found {
		l := scene.Layer{Name: uniqueLayerName(layers, s.cfg.Secrets.Redact(strings.TrimPrefix(name, "live/"))),
			Source: scene.Source{Kind: scene.KindStream, URL: "rtmp://" + srv.RTMPAddr() + "/" + name}, Place: pipPlace}
		coll.Scenes[i].Layers = append(layers, l) // on top
	}
	coll.Current = sc.Name
	if err := s.SaveScenes(coll); err != nil {
		return err
	}
	if !onScene {
		s.SwitchScene(sc.Name, 0)
	}
	return nil
}

// uniqueLayerName is base, or base with a number when a layer has it.
func uniqueLayerName(layers []scene.Layer, base string) string {
	name := base
	for n := 2; slices.ContainsFunc(layers, func(l scene.Layer) bool { return l.Name == name }); n++ {
		name = fmt.Sprintf("%s %d", base, n)
	}
	return name
}
