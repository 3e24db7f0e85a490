package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// layerKinds are the sources a new layer can show, as the editor offers them.
var layerKinds = []string{scene.KindTest, scene.KindCamera, scene.KindScreen, scene.KindStream,
	scene.KindImage, scene.KindText, scene.KindColor, scene.KindClip}

// sceneEditor is the Scenes tab: the scenes (new, rename, delete), the
// layers of the one being edited (add, remove, order, show or hide), and
// the selected layer's properties. It edits a copy; Apply hands it to the
// studio, which checks it and shows the scene on air again if it changed.
type sceneEditor struct {
	w        *Window
	coll     scene.Collection
	orig     []string // each edited scene's name in the studio ("" for a new one)
	cur      int      // the scene being edited
	sel      int      // the selected layer, or -1
	sceneSel *widget.Select
	name     *widget.Entry
	layers   *widget.List
	kind     *widget.Select
	form     *layerForm
	overlay  *layerOverlay // the selected layer's frame over the preview
	errs     *widgets.ErrorList
	status   *widget.Label
	// The buttons, named for the tests.
	newBtn, deleteBtn, addBtn, upBtn, downBtn, removeBtn, applyBtn *widget.Button
	obj                                                            fyne.CanvasObject
}

func newSceneEditor(w *Window) *sceneEditor {
	e := &sceneEditor{w: w, sel: -1, errs: widgets.NewErrorList(), status: widget.NewLabel("")}
	e.sceneSel = widget.NewSelect(nil, func(name string) {
		if i := e.sceneIndex(name); i >= 0 && i != e.cur {
			e.cur, e.sel = i, -1
			e.refresh()
		}
	})
	e.name = widget.NewEntry()
	e.name.OnChanged = func(v string) {
		if e.cur < len(e.coll.Scenes) && v != "" {
			e.coll.Scenes[e.cur].Name = v
			e.sceneSel.SetOptions(e.sceneNames())
			e.sceneSel.Selected = v
			e.sceneSel.Refresh()
		}
	}
	e.layers = widget.NewList(e.layerCount, func() fyne.CanvasObject { return widget.NewLabel("layer") }, e.showLayer)
	e.layers.OnSelected = func(id widget.ListItemID) {
		e.sel = e.layerAt(id)
		e.form.load(e.layer())
		e.overlay.follow()
	}
	e.kind = widget.NewSelect(layerKinds, nil)
	e.kind.SetSelected(scene.KindText)
	e.overlay = newLayerOverlay(e)
	e.form = newLayerForm(func() {
		e.layers.RefreshItem(e.layerAt(e.sel))
		e.overlay.follow()
	})
	e.newBtn = widget.NewButtonWithIcon("New", theme.ContentAddIcon(), e.newScene)
	e.deleteBtn = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), e.deleteScene)
	e.addBtn = widget.NewButtonWithIcon("Add layer", theme.ContentAddIcon(), e.addLayer)
	e.upBtn = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { e.moveLayer(+1) })
	e.downBtn = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { e.moveLayer(-1) })
	e.removeBtn = widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), e.removeLayer)
	e.applyBtn = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), e.apply)
	e.applyBtn.Importance = widget.HighImportance
	revert := widget.NewButtonWithIcon("Revert", theme.ContentUndoIcon(), e.reload)
	top := container.NewBorder(nil, nil, widget.NewLabel("Scene"), container.NewHBox(e.newBtn, e.deleteBtn), e.sceneSel)
	layerButtons := container.NewHBox(e.kind, e.addBtn, e.upBtn, e.downBtn, e.removeBtn)
	head := container.NewVBox(top, container.NewBorder(nil, nil, widget.NewLabel("Name"), nil, e.name), layerButtons)
	foot := container.NewVBox(e.form.obj, e.errs.Object(), container.NewHBox(e.applyBtn, revert, e.status))
	e.obj = container.NewBorder(head, foot, nil, nil, e.layers)
	e.reload()
	return e
}

// reload takes the studio's scenes, dropping unapplied edits.
func (e *sceneEditor) reload() {
	e.coll = e.w.s.Scenes()
	e.orig = e.sceneNames()
	e.cur, e.sel = 0, -1
	if c, err := e.coll.Find(""); err == nil {
		e.cur = max(e.sceneIndex(c.Name), 0)
	}
	e.errs.Set(nil)
	e.refresh()
}

func (e *sceneEditor) sceneNames() []string {
	names := make([]string, len(e.coll.Scenes))
	for i, s := range e.coll.Scenes {
		names[i] = s.Name
	}
	return names
}

func (e *sceneEditor) sceneIndex(name string) int {
	return slices.IndexFunc(e.coll.Scenes, func(s scene.Scene) bool { return s.Name == name })
}

// refresh shows the scene being edited and its layers.
func (e *sceneEditor) refresh() {
	e.sceneSel.SetOptions(e.sceneNames())
	if e.cur < len(e.coll.Scenes) {
		e.sceneSel.Selected = e.coll.Scenes[e.cur].Name
		e.name.SetText(e.coll.Scenes[e.cur].Name)
	}
	e.sceneSel.Refresh()
	e.layers.UnselectAll()
	e.layers.Refresh()
	e.form.load(nil)
	e.overlay.follow()
}

// scene returns the scene being edited, or nil when there is none.
func (e *sceneEditor) scene() *scene.Scene {
	if e.cur >= len(e.coll.Scenes) {
		return nil
	}
	return &e.coll.Scenes[e.cur]
}

// layer returns the selected layer, or nil.
func (e *sceneEditor) layer() *scene.Layer {
	sc := e.scene()
	if sc == nil || e.sel < 0 || e.sel >= len(sc.Layers) {
		return nil
	}
	return &sc.Layers[e.sel]
}

// The list shows the top layer first, as layer panels do: list item id
// is layer layerAt(id), and the other way round.
func (e *sceneEditor) layerAt(id int) int { return e.layerCount() - 1 - id }

func (e *sceneEditor) layerCount() int {
	if sc := e.scene(); sc != nil {
		return len(sc.Layers)
	}
	return 0
}

func (e *sceneEditor) showLayer(id widget.ListItemID, o fyne.CanvasObject) {
	sc := e.scene()
	i := e.layerAt(id)
	if sc == nil || i < 0 || i >= len(sc.Layers) {
		return
	}
	l := sc.Layers[i]
	mark := "●"
	if l.Hidden {
		mark = "○"
	}
	o.(*widget.Label).SetText(fmt.Sprintf("%s %s (%s)", mark, l.Name, l.Source.Kind))
}

func (e *sceneEditor) newScene() {
	name := "Scene"
	for n := 2; e.sceneIndex(name) >= 0; n++ {
		name = fmt.Sprintf("Scene %d", n)
	}
	e.coll.Scenes = append(e.coll.Scenes, scene.Scene{Name: name})
	e.orig = append(e.orig, "")
	e.cur, e.sel = len(e.coll.Scenes)-1, -1
	e.refresh()
}

func (e *sceneEditor) deleteScene() {
	if e.scene() == nil || len(e.coll.Scenes) == 1 {
		e.errs.Set([]string{"A studio keeps at least one scene."})
		return
	}
	e.coll.Scenes = slices.Delete(e.coll.Scenes, e.cur, e.cur+1)
	e.orig = slices.Delete(e.orig, e.cur, e.cur+1)
	e.cur, e.sel = 0, -1
	e.refresh()
}

// addLayer adds a layer of the chosen kind on top, in the middle of the
// canvas, and selects it.
func (e *sceneEditor) addLayer() {
	sc := e.scene()
	if sc == nil {
		return
	}
	l := scene.Layer{Name: e.kind.Selected, Source: scene.Source{Kind: e.kind.Selected}, Place: scene.Box{X: 0.25, Y: 0.25, W: 0.5, H: 0.5}}
	switch l.Source.Kind {
	case scene.KindText:
		l.Source.Text, l.Source.Color, l.Source.Background = "Title", "#FFFFFF", "#000000A0"
		l.Place = scene.Box{X: 0.05, Y: 0.8, W: 0.5, H: 0.1}
	case scene.KindColor:
		l.Source.Color = "#202020"
	case scene.KindStream:
		l.Source.URL = "rtmp://127.0.0.1:1935/live/cam1"
	}
	sc.Layers = append(sc.Layers, l)
	e.layers.Refresh()
	e.layers.Select(e.layerAt(len(sc.Layers) - 1))
}

func (e *sceneEditor) removeLayer() {
	sc := e.scene()
	if e.layer() == nil {
		return
	}
	sc.Layers = slices.Delete(sc.Layers, e.sel, e.sel+1)
	e.sel = -1
	e.layers.UnselectAll()
	e.layers.Refresh()
	e.form.load(nil)
	e.overlay.follow()
}

// moveLayer moves the selected layer up (+1: drawn later, over more) or
// down the stack.
func (e *sceneEditor) moveLayer(by int) {
	sc := e.scene()
	to := e.sel + by
	if e.layer() == nil || to < 0 || to >= len(sc.Layers) {
		return
	}
	sc.Layers[e.sel], sc.Layers[to] = sc.Layers[to], sc.Layers[e.sel]
	e.layers.Refresh()
	e.layers.Select(e.layerAt(to))
}

// apply hands the scenes to the studio; its answer is shown in one line
// per problem.
func (e *sceneEditor) apply() {
	if msg := e.form.problem(); msg != "" {
		e.errs.Set([]string{msg})
		return
	}
	// The scene on air stays on air, under its new name if it was renamed
	// here; the editor never switches scenes by itself.
	c := e.coll.Clone()
	c.Current = ""
	for i, name := range e.orig {
		if name != "" && name == e.w.prev.Scene {
			c.Current = c.Scenes[i].Name
		}
	}
	if err := e.w.s.SaveScenes(c); err != nil {
		e.errs.Set([]string{err.Error()})
		e.status.SetText("")
		return
	}
	e.orig = e.sceneNames()
	e.errs.Set(nil)
	e.status.SetText("Saved")
}
