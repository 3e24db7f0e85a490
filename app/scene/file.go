package scene

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Collection is a set of scenes, the unit a scene file holds and the
// settings keep.
type Collection struct {
	Scenes []Scene `json:"scenes"`
	// Current is the name of the scene on air; empty is the first.
	Current string `json:"current,omitempty"`
}

// maxFileSize bounds a scene file: scenes are small, and a file this big
// is not one.
const maxFileSize = 1 << 20

// Find returns the scene called name ("" is Current, or the first).
func (c Collection) Find(name string) (Scene, error) {
	if name == "" {
		name = c.Current
	}
	if name == "" && len(c.Scenes) > 0 {
		return c.Scenes[0], nil
	}
	for _, s := range c.Scenes {
		if s.Name == name {
			return s, nil
		}
	}
	return Scene{}, fmt.Errorf("%w: there is no scene called %q", ErrInvalid, name)
}

// Validate checks every scene and that names are unique.
func (c Collection) Validate() error {
	if len(c.Scenes) == 0 {
		return fmt.Errorf("%w: no scenes", ErrInvalid)
	}
	seen := map[string]bool{}
	for _, s := range c.Scenes {
		if err := s.Validate(); err != nil {
			return err
		}
		if seen[s.Name] {
			return fmt.Errorf("%w: two scenes are called %q", ErrInvalid, s.Name)
		}
		seen[s.Name] = true
	}
	if _, err := c.Find(""); err != nil {
		return err
	}
	return nil
}

// Parse reads a scene file's JSON; unknown fields are errors, so that a
// misspelt field does not silently do nothing.
func Parse(data []byte) (Collection, error) {
	var c Collection
	if len(data) > maxFileSize {
		return c, fmt.Errorf("%w: the file is over %d bytes", ErrInvalid, maxFileSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

// Load reads and checks a scene file.
func Load(path string) (Collection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Collection{}, fmt.Errorf("reading the scene file: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return c, fmt.Errorf("scene file %s: %w", path, err)
	}
	return c, nil
}

// Clone returns a deep copy of c.
func (c Collection) Clone() Collection {
	out := Collection{Current: c.Current, Scenes: make([]Scene, len(c.Scenes))}
	for i, sc := range c.Scenes {
		out.Scenes[i] = sc.Clone()
	}
	return out
}

// Clone returns a deep copy of s.
func (s Scene) Clone() Scene {
	out := Scene{Name: s.Name, Layers: make([]Layer, len(s.Layers))}
	for i, l := range s.Layers {
		if l.Crop != nil {
			c := *l.Crop
			l.Crop = &c
		}
		if l.Opacity != nil {
			o := *l.Opacity
			l.Opacity = &o
		}
		out.Layers[i] = l
	}
	return out
}

// Marshal writes c as a scene file.
func (c Collection) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("writing the scenes: %w", err)
	}
	return append(data, '\n'), nil
}

// Starters are the scenes a new studio comes with: the camera alone, the
// screen with the camera in a corner, and the camera with a title.
func Starters() Collection {
	cam := Layer{Name: "Camera", Source: Source{Kind: KindCamera}, Place: Full}
	return Collection{Scenes: []Scene{
		{Name: "Camera", Layers: []Layer{cam}},
		{Name: "Screen + camera", Layers: []Layer{
			{Name: "Screen", Source: Source{Kind: KindScreen}, Place: Full},
			{Name: "Camera", Source: Source{Kind: KindCamera}, Place: Box{X: 0.72, Y: 0.70, W: 0.25, H: 0.25}},
		}},
		{Name: "Camera + title", Layers: []Layer{
			cam,
			{Name: "Title", Source: Source{Kind: KindText, Text: "Live", Color: "#FFFFFF", Background: "#000000A0"},
				Place: Box{X: 0.05, Y: 0.82, W: 0.5, H: 0.1}},
		}},
	}}
}
