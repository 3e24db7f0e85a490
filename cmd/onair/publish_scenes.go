package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/compose"
	"github.com/seed7c1a73c4/onair/app/scene"
)

// transitionsFlag is --transitions: fades (0 is a cut), used in turn.
type transitionsFlag []time.Duration

func (f *transitionsFlag) String() string { return "" }

func (f *transitionsFlag) Set(v string) error {
	*f = (*f)[:0]
	for _, t := range strings.Split(v, ",") {
		t = strings.TrimSpace(t)
		if t == "cut" {
			*f = append(*f, 0)
			continue
		}
		d, ok := strings.CutPrefix(t, "fade:")
		if !ok {
			return fmt.Errorf("%q: use cut or fade:DURATION, e.g. fade:500ms", t)
		}
		fade, err := time.ParseDuration(d)
		if err != nil || fade <= 0 || fade > compose.MaxFade {
			return fmt.Errorf("%q: a fade lasts more than 0 and at most %v", t, compose.MaxFade)
		}
		*f = append(*f, fade)
	}
	return nil
}

// sceneCycle is publish's scene switcher: the --scene file's scenes in
// turn, every --switch-every, with the --transitions in turn.
type sceneCycle struct {
	every       time.Duration
	transitions transitionsFlag
	scenes      scene.Collection
	first       int // index of the scene on air at the start
}

// load reads the scene called name from a scene file (no file is no
// scene) and checks the switcher's flags against it.
func (c *sceneCycle) load(file, name string) (*scene.Scene, error) {
	if file == "" {
		if name != "" || c.every != 0 || len(c.transitions) > 0 {
			return nil, errors.New("--scene-name, --switch-every and --transitions need a --scene file")
		}
		return nil, nil
	}
	coll, err := scene.Load(file)
	if err != nil {
		return nil, err
	}
	sc, err := coll.Find(name)
	if err != nil {
		return nil, fmt.Errorf("scene file %s: %w", file, err)
	}
	if c.every < 0 || (c.every > 0 && c.every < 100*time.Millisecond) {
		return nil, errors.New("--switch-every must be at least 100ms")
	}
	if c.every > 0 && len(coll.Scenes) < 2 {
		return nil, fmt.Errorf("--switch-every: scene file %s has one scene, nothing to switch to", file)
	}
	for i, s := range coll.Scenes {
		if s.Name == sc.Name {
			c.first = i
		}
	}
	c.scenes = coll
	if len(c.transitions) == 0 {
		c.transitions = transitionsFlag{0}
	}
	return &sc, nil
}

// start switches scenes every c.every until stop is called.
func (c *sceneCycle) start(b *app.Broadcast, log *slog.Logger) (stop func()) {
	if c.every <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(c.every)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-b.Done():
				return
			case <-t.C:
			}
			sc := c.scenes.Scenes[(c.first+n)%len(c.scenes.Scenes)]
			fade := c.transitions[(n-1)%len(c.transitions)]
			if err := b.SwitchScene(sc, fade); err != nil {
				log.Warn("could not switch scenes; the scene on air stays", "scene", sc.Name, "err", err)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}
