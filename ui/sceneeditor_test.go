package ui

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
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
	// The studio switched to Pattern after the editor loaded (Titled was on
	// air then): applying edits must not switch back.
	onAir := idleSnapshot()
	onAir.Scenes, onAir.Scene = []string{"Pattern", "Titled"}, "Pattern"
	f.setSnapshot(onAir)
	w.pollForTest()
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
	e.form.font.SetText("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
	e.form.crop[1].SetText("10") // the rest empty: the whole width, down to the bottom
	e.form.crop[3].SetText("x")
	test.Tap(e.applyBtn)
	if calls, got := f.Calls(), strings.Join(e.errs.Texts(), " "); len(calls) != 0 || !strings.Contains(got, `The crop "x"`) {
		t.Fatalf("Apply with a crop that is not a number: calls %v, problems %q", calls, got)
	}
	e.form.crop[3].SetText("80%")
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
	if l.Source.Kind != scene.KindText || l.Source.Text != "Title of the show" || l.Place.X != 0.1 || l.Place.W != 0.4 || !l.Hidden ||
		l.Source.Font != "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" || l.Crop == nil || *l.Crop != (scene.Box{X: 0, Y: 0.1, W: 1, H: 0.8}) {
		t.Errorf("the new layer was saved as %+v", l)
	}
	if sc.Layers[2].Name != "Logo" {
		t.Errorf("the top layer is %q, want Logo", sc.Layers[2].Name)
	}
	if e.status.Text != "Saved" {
		t.Errorf("status %q after Apply", e.status.Text)
	}
	if saved.Current != "Pattern" {
		t.Errorf("the scenes were saved with %q on air, want Pattern (the studio's, not the editor's stale one)", saved.Current)
	}
	// Renaming the scene on air keeps it on air under its new name.
	e.sceneSel.SetSelected("Pattern")
	e.name.SetText("Pattern 2")
	test.Tap(e.applyBtn)
	if c := f.Scenes(); c.Current != "Pattern 2" {
		t.Errorf("after renaming the scene on air it is saved as %q on air, want Pattern 2", c.Current)
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

func TestLayerOverlayDragsResizesAndSnaps(t *testing.T) {
	f := newFakeStudio(idleSnapshot())
	f.scenes = editorScenes()
	w := newTestWindow(t, f)
	e, o := w.scenes, w.scenes.overlay
	if o.Visible() {
		t.Fatal("the layer frame shows with no layer selected")
	}
	e.layers.Select(0) // Logo: x 0.8, y 0.05, w 0.15, h 0.15
	if !o.Visible() {
		t.Fatal("the layer frame does not show for the selected layer")
	}
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	_, pic := o.picture()
	pos, size := o.frame(e.layer().Place)
	centre := origin.Add(pos).Add(fyne.NewPos(size.Width/2, size.Height/2))
	// test.Drag sends one event at the position it is given, where the
	// real driver reports the pointer's position after the move: give it
	// the end point, as the driver would. Move right by 4% of the width:
	// the right edge (0.99) snaps to 1.
	test.Drag(w.win.Canvas(), centre.Add(fyne.NewPos(0.04*pic.Width, 0)), 0.04*pic.Width, 0)
	if p := e.layer().Place; math.Abs(p.X-0.85) > 1e-9 || math.Abs(p.Y-0.05) > 1e-3 {
		t.Errorf("after the move the place is %+v, want x snapped to 0.85 (right edge on the canvas' edge)", p)
	}
	if calls := f.Calls(); len(calls) != 1 || !strings.HasPrefix(calls[0], "SaveScenes(") {
		t.Fatalf("after the drag: calls %v, want the edit applied", calls)
	}
	// Resize from the corner handle by 10% of the height: 0.15 -> 0.25.
	pos, size = o.frame(e.layer().Place)
	corner := origin.Add(pos).Add(fyne.NewPos(size.Width-handleSize/2, size.Height-handleSize/2))
	test.Drag(w.win.Canvas(), corner.Add(fyne.NewPos(0, 0.10*pic.Height)), 0, 0.10*pic.Height)
	if p := e.layer().Place; math.Abs(p.H-0.25) > 1e-3 || math.Abs(p.W-0.15) > 1e-3 || math.Abs(p.X-0.85) > 1e-9 {
		t.Errorf("after the resize the place is %+v, want h 0.25, the rest kept", p)
	}
	if h, err := strconv.ParseFloat(e.form.place[3].Text, 64); err != nil || math.Abs(h-25) > 0.1 {
		t.Errorf("the form's H reads %q after the resize", e.form.place[3].Text)
	}
}

func TestSnap(t *testing.T) {
	for _, c := range []struct{ x, w, want float64 }{
		{0.015, 0.2, 0}, {0.79, 0.2, 0.8}, {0.41, 0.2, 0.4}, {0.3, 0.2, 0.3},
	} {
		if got := snapMove(c.x, c.w); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("snapMove(%v, %v) = %v, want %v", c.x, c.w, got, c.want)
		}
	}
	if got := snapEnd(0.3, 0.69); math.Abs(got-0.7) > 1e-9 {
		t.Errorf("snapEnd(0.3, 0.69) = %v, want 0.7", got)
	}
}
