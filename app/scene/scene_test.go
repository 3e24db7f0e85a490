package scene

import (
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStartersAndExampleAreValid(t *testing.T) {
	if err := Starters().Validate(); err != nil {
		t.Errorf("the starter scenes: %v", err)
	}
	c, err := Load(filepath.Join("..", "..", "docs", "scenes", "example.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := c.Find(""); err != nil || s.Name != "Pattern + title" {
		t.Errorf("the example's current scene = %q, %v; want Pattern + title", s.Name, err)
	}
	data, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(data)
	if err != nil || len(again.Scenes) != len(c.Scenes) {
		t.Errorf("a marshalled collection reads back as %d scenes, %v", len(again.Scenes), err)
	}
}

func TestParseRefusesWhatCannotBeDrawn(t *testing.T) {
	for name, body := range map[string]string{
		"unknown field":   `{"scenes":[{"name":"a","layers":[],"colour":"#fff"}]}`,
		"no scenes":       `{"scenes":[]}`,
		"twin names":      `{"scenes":[{"name":"a","layers":[]},{"name":"a","layers":[]}]}`,
		"unknown kind":    `{"scenes":[{"name":"a","layers":[{"name":"x","source":{"kind":"video"},"place":{"x":0,"y":0,"w":1,"h":1}}]}]}`,
		"empty place":     `{"scenes":[{"name":"a","layers":[{"name":"x","source":{"kind":"test"},"place":{"x":0,"y":0,"w":0,"h":1}}]}]}`,
		"crop outside":    `{"scenes":[{"name":"a","layers":[{"name":"x","source":{"kind":"test"},"place":{"x":0,"y":0,"w":1,"h":1},"crop":{"x":0.5,"y":0,"w":0.6,"h":1}}]}]}`,
		"opacity above 1": `{"scenes":[{"name":"a","layers":[{"name":"x","source":{"kind":"test"},"place":{"x":0,"y":0,"w":1,"h":1},"opacity":2}]}]}`,
		"bad colour":      `{"scenes":[{"name":"a","layers":[{"name":"x","source":{"kind":"color","color":"red"},"place":{"x":0,"y":0,"w":1,"h":1}}]}]}`,
		"two-line text":   `{"scenes":[{"name":"a","layers":[{"name":"x","source":{"kind":"text","text":"a\nb"},"place":{"x":0,"y":0,"w":1,"h":1}}]}]}`,
		"missing current": `{"scenes":[{"name":"a","layers":[]}],"current":"b"}`,
	} {
		if _, err := Parse([]byte(body)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Parse gave %v, want ErrInvalid", name, err)
		}
	}
}

func TestPictureDrawsColourTextAndImage(t *testing.T) {
	m, err := Picture(Source{Kind: KindColor, Color: "#10203080"}, 4, 2)
	if err != nil || m.NRGBAAt(3, 1) != (color.NRGBA{0x10, 0x20, 0x30, 0x80}) {
		t.Errorf("colour picture: %v at (3,1), %v", m.NRGBAAt(3, 1), err)
	}
	txt, err := Picture(Source{Kind: KindText, Text: "Hello", Color: "#FFFFFF", Background: "#000000"}, 200, 40)
	if err != nil {
		t.Fatal(err)
	}
	lit, endLit := 0, 0
	for y := 0; y < 40; y++ {
		for x := 0; x < 200; x++ {
			if txt.NRGBAAt(x, y).R > 128 {
				lit++
				if x > 150 {
					endLit++
				}
			}
		}
	}
	if lit < 200 || endLit != 0 {
		t.Errorf("text picture: %d lit pixels (want glyphs), %d past x=150 (want none: left-aligned, short)", lit, endLit)
	}
	if _, err := Picture(Source{Kind: KindText, Text: "x", Font: "/nonexistent.ttf"}, 100, 20); err == nil {
		t.Error("a missing font file was accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.png")
	if err := os.WriteFile(bad, []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Picture(Source{Kind: KindImage, Path: bad}, 10, 10); err == nil || !strings.Contains(err.Error(), "PNG and JPEG") {
		t.Errorf("a broken image gave %v, want an error naming the formats read", err)
	}
}
