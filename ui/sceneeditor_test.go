package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/seed7c1a73c4/onair/app/scene"
)

func editorScenes() scene.Collection {
	return scene.Collection{Current: "Titled", Scenes: []scene.Scene{
		{Name: "Pattern", Layers: []scene.Layer{{Name: "P", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Full}}},
		{Name: "Titled", Layers: []scene.Layer{
			{Name: "P", Source: scene.Source{Kind: scene.KindTest}, Place: scene.Full},
			{Name: "Logo", Source: scene.Source{Kind: scene.KindColor, Color: "#FF0000"}, Place: scene.Box{X: 0.8, Y: 0.05, W: 0.15, H: 0.15}}}},
	}}
}

func TestSceneEditorAddsMovesAndAppliesLayers(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.scenes = editorScenes()
	w := newTestWindow(t, f)
	e := w.scenes
	if e.sceneSel.Selected != "Titled" || e.layerCount() != 2 {
		t.Fatalf("editing %q with %d layers, want the scene on air (Titled) with 2", e.sceneSel.Selected, e.layerCount())
	}
	// A text layer goes on top, selected, with a title to edit.
	e.kind.SetSelected(scene.KindText)
	test.Tap(e.addBtn)
	if e.sel != 2 || e.form.value.Text != "Title" {
		t.Fatalf("after Add layer: selected %d, text %q; want the new layer 2 and its text", e.sel, e.form.value.Text)
	}
	e.form.value.SetText("Title of the show")
	e.form.place[0].SetText("10")
	e.form.place[2].SetText("40%")
	test.Tap(e.form.visible) // hide it
	test.Tap(e.downBtn)      // under the logo
	if e.sel != 1 {
		t.Errorf("after moving down the layer is %d, want 1", e.sel)
	}
	test.Tap(e.applyBtn)
	calls := f.Calls()
	if len(calls) != 1 || !strings.HasPrefix(calls[0], "SaveScenes(") {
		t.Fatalf("calls %v, want one SaveScenes", calls)
	}
	saved := f.Scenes()
	sc, err := saved.Find("Titled")
	if err != nil || len(sc.Layers) != 3 {
		t.Fatalf("saved Titled = %+v, %v", sc, err)
	}
	l := sc.Layers[1]
	if l.Source.Kind != scene.KindText || l.Source.Text != "Title of the show" || l.Place.X != 0.1 || l.Place.W != 0.4 || !l.Hidden {
		t.Errorf("the new layer was saved as %+v", l)
	}
	if sc.Layers[2].Name != "Logo" {
		t.Errorf("the top layer is %q, want Logo", sc.Layers[2].Name)
	}
	if e.status.Text != "Saved" {
		t.Errorf("status %q after Apply", e.status.Text)
	}
}

func TestSceneEditorReportsProblemsAndEditsScenes(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.scenes = editorScenes()
	w := newTestWindow(t, f)
	e := w.scenes
	e.layers.Select(0) // the top layer: Logo
	if e.form.name.Text != "Logo" {
		t.Fatalf("selecting the list's first item gave %q, want the top layer", e.form.name.Text)
	}
	e.form.value.SetText("red")
	test.Tap(e.applyBtn)
	if got := strings.Join(e.errs.Texts(), " "); !strings.Contains(got, "#RRGGBB") {
		t.Errorf("a bad colour gave %q, want the format named", got)
	}
	e.form.value.SetText("#00FF00")
	e.form.place[3].SetText("tall")
	test.Tap(e.applyBtn)
	if got := strings.Join(e.errs.Texts(), " "); !strings.Contains(got, "not a number") {
		t.Errorf("a bad height gave %q, want it named", got)
	}
	if len(f.Calls()) != 0 {
		t.Fatalf("problems reached the studio: %v", f.Calls())
	}
	e.form.place[3].SetText("20")
	test.Tap(e.newBtn)
	if e.sceneSel.Selected != "Scene" || e.layerCount() != 0 {
		t.Errorf("New made %q with %d layers", e.sceneSel.Selected, e.layerCount())
	}
	e.name.SetText("Break")
	test.Tap(e.applyBtn)
	names := []string{}
	for _, s := range f.Scenes().Scenes {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "Pattern,Titled,Break" {
		t.Errorf("saved scenes %v, want Pattern, Titled, Break", names)
	}
	test.Tap(e.deleteBtn)
	test.Tap(e.deleteBtn)
	test.Tap(e.deleteBtn)
	if got := strings.Join(e.errs.Texts(), " "); !strings.Contains(got, "at least one scene") {
		t.Errorf("deleting the last scene gave %q", got)
	}
}
