package ui

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app/scene"
)

// layerForm edits one layer in place: every change is written to the
// layer at once (the editor's copy), and problems are reported at Apply.
type layerForm struct {
	l          *scene.Layer
	loading    bool
	changed    func()
	name       *widget.Entry
	visible    *widget.Check
	valueLabel *widget.Label
	value      *widget.Entry // the colour, text, path, URL or device, by kind
	colour     *widget.Entry // a text's colour
	background *widget.Entry // a text's box
	font       *widget.Entry // a text's font file
	place      [4]*widget.Entry
	crop       [4]*widget.Entry // empty: the whole source
	opacity    *widget.Slider
	bad        string // the last place field that did not parse, for problem
	badCrop    string // the crop, when a field does not parse
	obj        *fyne.Container
}

func newLayerForm(changed func()) *layerForm {
	f := &layerForm{changed: changed, valueLabel: widget.NewLabel("Source")}
	edit := func(apply func(l *scene.Layer, v string)) func(string) {
		return func(v string) {
			if f.l != nil && !f.loading {
				apply(f.l, v)
				f.changed()
			}
		}
	}
	f.name = widget.NewEntry()
	f.name.OnChanged = edit(func(l *scene.Layer, v string) { l.Name = v })
	f.visible = widget.NewCheck("Visible", func(on bool) {
		if f.l != nil && !f.loading {
			f.l.Hidden = !on
			f.changed()
		}
	})
	f.value = widget.NewEntry()
	f.value.OnChanged = edit(setSourceValue)
	f.colour = widget.NewEntry()
	f.colour.OnChanged = edit(func(l *scene.Layer, v string) { l.Source.Color = v })
	f.background = widget.NewEntry()
	f.background.OnChanged = edit(func(l *scene.Layer, v string) { l.Source.Background = v })
	f.font = widget.NewEntry()
	f.font.SetPlaceHolder("Go font") // the built-in one; or a TTF/OTF file
	f.font.OnChanged = edit(func(l *scene.Layer, v string) { l.Source.Font = strings.TrimSpace(v) })
	for i := range f.place {
		f.place[i] = widget.NewEntry()
		f.place[i].OnChanged = edit(func(l *scene.Layer, v string) { f.setPlace(l, i, v) })
		f.crop[i] = widget.NewEntry()
		f.crop[i].SetPlaceHolder(cropPlaceHolders[i])
		f.crop[i].OnChanged = edit(func(l *scene.Layer, _ string) { f.setCrop(l) })
	}
	f.opacity = widget.NewSlider(0, 100)
	f.opacity.OnChanged = func(v float64) {
		if f.l != nil && !f.loading {
			a := v / 100
			f.l.Opacity = &a
		}
	}
	placeRow := container.NewGridWithColumns(4, f.place[0], f.place[1], f.place[2], f.place[3])
	cropRow := container.NewGridWithColumns(4, f.crop[0], f.crop[1], f.crop[2], f.crop[3])
	f.obj = container.New(layout.NewFormLayout(),
		widget.NewLabel("Layer"), container.NewBorder(nil, nil, nil, f.visible, f.name),
		f.valueLabel, f.value,
		widget.NewLabel("Text colour, box, font"), container.NewGridWithColumns(3, f.colour, f.background, f.font),
		widget.NewLabel("X, Y, W, H %"), placeRow,
		widget.NewLabel("Crop X, Y, W, H %"), cropRow,
		widget.NewLabel("Opacity"), f.opacity,
	)
	f.load(nil)
	return f
}

// sourceField says what the value field holds for each kind.
var sourceField = map[string]string{
	scene.KindColor: "Colour", scene.KindText: "Text", scene.KindImage: "Image file", scene.KindClip: "Clip file",
	scene.KindStream: "Stream URL", scene.KindCamera: "Camera ID", scene.KindScreen: "Screen", scene.KindTest: "Source",
}

func sourceValue(s scene.Source) string {
	switch s.Kind {
	case scene.KindColor:
		return s.Color
	case scene.KindText:
		return s.Text
	case scene.KindImage, scene.KindClip:
		return s.Path
	case scene.KindStream:
		return s.URL
	case scene.KindCamera, scene.KindScreen:
		return s.Device
	}
	return "the test pattern"
}

func setSourceValue(l *scene.Layer, v string) {
	switch l.Source.Kind {
	case scene.KindColor:
		l.Source.Color = v
	case scene.KindText:
		l.Source.Text = v
	case scene.KindImage, scene.KindClip:
		l.Source.Path = v
	case scene.KindStream:
		l.Source.URL = v
	case scene.KindCamera, scene.KindScreen:
		l.Source.Device = v
	}
}

// setPlace writes field i (x, y, w or h, in percent) of the layer's place.
func (f *layerForm) setPlace(l *scene.Layer, i int, v string) {
	p, err := parsePercent(v)
	if err != nil {
		f.bad = fmt.Sprintf("%q is not a number of percent.", v)
		return
	}
	f.bad = ""
	ptr := [4]*float64{&l.Place.X, &l.Place.Y, &l.Place.W, &l.Place.H}
	*ptr[i] = p
}

// parsePercent reads "40" or "40%" as the fraction 0.4.
func parsePercent(v string) (float64, error) {
	p, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
	return p / 100, err
}

// cropPlaceHolders show the whole source: what an empty crop field means.
var cropPlaceHolders = [4]string{"0", "0", "100", "100"}

// setCrop writes the crop fields (percent of the source) to the layer: all
// empty is no crop, an empty field is the whole source's edge.
func (f *layerForm) setCrop(l *scene.Layer) {
	var v [4]float64
	empty := 0
	for i, e := range f.crop {
		text := e.Text
		if strings.TrimSuffix(strings.TrimSpace(text), "%") == "" {
			text, empty = cropPlaceHolders[i], empty+1
		}
		p, err := parsePercent(text)
		if err != nil {
			f.badCrop = fmt.Sprintf("The crop %q is not a number of percent.", e.Text)
			return
		}
		v[i] = p
	}
	f.badCrop = ""
	if empty == len(f.crop) {
		l.Crop = nil
		return
	}
	l.Crop = &scene.Box{X: v[0], Y: v[1], W: v[2], H: v[3]}
}

// problem is what keeps the form from being applied, or "".
func (f *layerForm) problem() string { return cmp.Or(f.bad, f.badCrop) }

// load shows l (nil: nothing selected, the form is disabled).
func (f *layerForm) load(l *scene.Layer) {
	f.loading = true
	defer func() { f.loading = false }()
	f.l, f.bad, f.badCrop = l, "", ""
	entries := append([]*widget.Entry{f.name, f.value, f.colour, f.background, f.font}, append(f.place[:], f.crop[:]...)...)
	if l == nil {
		for _, e := range entries {
			e.SetText("")
			e.Disable()
		}
		f.visible.Disable()
		f.opacity.Disable()
		return
	}
	for _, e := range entries {
		e.Enable()
	}
	f.visible.Enable()
	f.opacity.Enable()
	f.name.SetText(l.Name)
	f.visible.SetChecked(!l.Hidden)
	f.valueLabel.SetText(sourceField[l.Source.Kind])
	f.value.SetText(sourceValue(l.Source))
	if l.Source.Kind == scene.KindTest {
		f.value.Disable()
	}
	f.colour.SetText(l.Source.Color)
	f.background.SetText(l.Source.Background)
	f.font.SetText(l.Source.Font)
	if l.Source.Kind != scene.KindText {
		f.colour.Disable()
		f.background.Disable()
		f.font.Disable()
	}
	for i, v := range []float64{l.Place.X, l.Place.Y, l.Place.W, l.Place.H} {
		f.place[i].SetText(percent(v))
	}
	for i := range f.crop {
		f.crop[i].SetText("")
	}
	if c := l.Crop; c != nil {
		for i, v := range []float64{c.X, c.Y, c.W, c.H} {
			f.crop[i].SetText(percent(v))
		}
	}
	f.opacity.SetValue(l.Alpha() * 100)
}

// percent writes a fraction as a number of percent.
func percent(v float64) string { return strconv.FormatFloat(v*100, 'f', -1, 64) }
