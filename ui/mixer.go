package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// mixerTab is the audio mixer: a strip per source of the program's mix
// (meter, gain, mute, remove) and a way to add one. The program's own
// meter, gain and mute, under the preview, act on the sum.
type mixerTab struct {
	w      *Window
	names  []string
	strips []*mixStrip
	list   *fyne.Container
	add    *sourceSelect
	addBtn *widget.Button
	empty  *widget.Label
	obj    fyne.CanvasObject
}

// mixStrip is one source's controls.
type mixStrip struct {
	name     string
	label    *widget.Label
	meter    *widgets.LevelMeter
	gain     *widget.Slider
	gainText *widget.Label
	mute     *widget.Check
	remove   *widget.Button
	applying bool
	obj      fyne.CanvasObject
}

func newMixerTab(w *Window) *mixerTab {
	m := &mixerTab{w: w, list: container.NewVBox(),
		empty: widgets.WrapLabel("The program's audio is one source. Add another to mix them; with a scene, stream layers join the mix on their own.", widget.LowImportance)}
	var pick string
	m.add = newSourceSelect(func(spec string) { pick = spec })
	m.addBtn = widget.NewButtonWithIcon("Add to the mix", theme.ContentAddIcon(), func() {
		if pick != "" {
			w.s.AddMixSource(pick)
		}
	})
	m.obj = container.NewBorder(nil, container.NewBorder(nil, nil, nil, m.addBtn, m.add.sel), nil, nil,
		container.NewVScroll(container.NewVBox(m.empty, m.list)))
	return m
}

func (m *mixerTab) newStrip(name string) *mixStrip {
	s := &mixStrip{name: name, label: widget.NewLabel(name), meter: widgets.NewLevelMeter(m.w.now, true),
		gain: widget.NewSlider(-60, 20), gainText: widget.NewLabel(gainText(0))}
	s.gain.Step = 0.5
	s.gain.OnChanged = func(v float64) { widgets.SetText(s.gainText, gainText(v)) }
	s.gain.OnChangeEnded = func(v float64) {
		if !s.applying {
			m.w.s.SetMixGain(name, v)
		}
	}
	s.mute = widget.NewCheck("Mute", func(on bool) {
		if !s.applying {
			m.w.s.SetMixMuted(name, on)
		}
	})
	s.remove = widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { m.w.s.RemoveMixSource(name) })
	s.obj = container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.mute, s.remove), s.label),
		s.meter,
		container.NewBorder(nil, nil, nil, s.gainText, s.gain),
		widget.NewSeparator())
	return s
}

// update shows the snapshot's mix: strips are rebuilt only when the
// sources change; meters and controls follow every snapshot.
func (m *mixerTab) update(snap app.StudioSnapshot) {
	m.add.update(snap.AudioSources, "")
	names := make([]string, len(snap.Mix))
	for i, src := range snap.Mix {
		names[i] = src.Name
	}
	if !slices.Equal(names, m.names) {
		m.names = names
		m.strips = m.strips[:0]
		objs := make([]fyne.CanvasObject, len(names))
		for i, n := range names {
			m.strips = append(m.strips, m.newStrip(n))
			objs[i] = m.strips[i].obj
		}
		m.list.Objects = objs
		m.list.Refresh()
	}
	if len(names) == 0 {
		m.empty.Show()
	} else {
		m.empty.Hide()
	}
	for i, src := range snap.Mix {
		s := m.strips[i]
		s.applying = true
		s.meter.SetLevels(src.Levels)
		if !s.gain.Disabled() && s.gain.Value != src.GainDB {
			s.gain.SetValue(src.GainDB)
			widgets.SetText(s.gainText, gainText(src.GainDB))
		}
		s.mute.SetChecked(src.Muted)
		label := src.Name
		if src.Err != "" {
			label = fmt.Sprintf("%s: stopped (%s)", src.Name, src.Err)
		}
		widgets.SetText(s.label, label)
		s.applying = false
	}
}
