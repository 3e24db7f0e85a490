package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/ui/widgets"
)

// programPanel sits under the preview: the scene switcher, the source
// selects, the program meter, Mute and Gain.
type programPanel struct {
	w            *Window
	scenes       *scenesRow
	video, audio *sourceSelect
	meter        *widgets.LevelMeter
	mute         *widget.Button
	muted        bool
	gain         *widget.Slider
	gainLabel    *widget.Label
	applying     bool // set while the snapshot moves the slider
	obj          *fyne.Container
}

func newProgramPanel(w *Window) *programPanel {
	p := &programPanel{w: w, scenes: newScenesRow(w)}
	p.video = newSourceSelect(func(spec string) { w.s.SetVideoSource(spec) })
	p.audio = newSourceSelect(func(spec string) { w.s.SetAudioSource(spec) })
	p.meter = widgets.NewLevelMeter(w.now, false)
	p.mute = widget.NewButtonWithIcon("Mute", theme.VolumeMuteIcon(), p.toggleMute)
	p.gain = widget.NewSlider(-30, 20)
	p.gain.Step = 0.5
	p.gainLabel = widget.NewLabel(gainText(0))
	p.gain.OnChanged = func(v float64) { widgets.SetText(p.gainLabel, gainText(v)) }
	p.gain.OnChangeEnded = func(v float64) {
		if !p.applying {
			w.s.SetGain(v)
		}
	}
	form := container.New(layout.NewFormLayout(),
		p.scenes.label, p.scenes.obj,
		widget.NewLabel("Video"), p.video.sel,
		widget.NewLabel("Audio"), p.audio.sel,
		widget.NewLabel("Level"), p.meter,
		widget.NewLabel("Gain"), container.NewBorder(nil, nil, nil, container.NewHBox(p.gainLabel, p.mute), p.gain),
	)
	p.obj = form
	return p
}

func gainText(db float64) string { return fmt.Sprintf("%+.1f dB", db) }

func (p *programPanel) toggleMute() {
	p.setMuted(!p.muted)
	p.w.s.SetMuted(p.muted)
}

func (p *programPanel) setMuted(m bool) {
	if m == p.muted {
		return
	}
	p.muted = m
	if m {
		p.mute.SetText("Muted")
		p.mute.SetIcon(theme.VolumeMuteIcon())
		p.mute.Importance = widget.WarningImportance
	} else {
		p.mute.SetText("Mute")
		p.mute.Importance = widget.MediumImportance
	}
	p.mute.Refresh()
	widgets.Relayout(p.obj, nil)
}

func (p *programPanel) update(snap, prev app.StudioSnapshot, first bool) {
	p.scenes.update(snap)
	p.video.update(snap.VideoSources, snap.Video)
	p.audio.update(snap.AudioSources, snap.Audio)
	// A scene or a mix is not one of the options: say what is on instead.
	video, audio := noSource, noSource
	if snap.Scene != "" {
		video = "Scene: " + snap.Scene
	}
	if len(snap.Mix) > 1 {
		audio = fmt.Sprintf("Mix of %d sources (Mixer tab)", len(snap.Mix))
	}
	p.video.setPlaceHolder(video)
	p.audio.setPlaceHolder(audio)
	p.meter.SetLevels(snap.Levels)
	if first || snap.Muted != prev.Muted {
		p.setMuted(snap.Muted)
	}
	if first || snap.GainDB != prev.GainDB {
		p.applying = true
		p.gain.SetValue(snap.GainDB)
		widgets.SetText(p.gainLabel, gainText(snap.GainDB))
		p.applying = false
	}
}

// sourceSelect is a select of capture sources: people see labels, the
// studio gets specs.
type sourceSelect struct {
	sel      *widget.Select
	opts     []app.SourceOption
	current  string
	applying bool
}

func newSourceSelect(set func(spec string)) *sourceSelect {
	s := &sourceSelect{}
	s.sel = widget.NewSelect(nil, func(label string) {
		if s.applying {
			return
		}
		for _, o := range s.opts {
			if o.Label == label && o.Spec != s.current {
				s.current = o.Spec
				set(o.Spec)
			}
		}
	})
	s.sel.PlaceHolder = noSource
	return s
}

// noSource is what a source select shows when its source is none of its
// options.
const noSource = "(none)"

// setPlaceHolder changes what the select shows when nothing is selected.
func (s *sourceSelect) setPlaceHolder(text string) {
	if s.sel.PlaceHolder != text {
		s.sel.PlaceHolder = text
		s.sel.Refresh()
	}
}

// update replaces the options when they changed and selects current.
func (s *sourceSelect) update(opts []app.SourceOption, current string) {
	s.applying = true
	defer func() { s.applying = false }()
	if !slices.Equal(opts, s.opts) {
		s.opts = slices.Clone(opts)
		labels := make([]string, len(opts))
		for i, o := range opts {
			labels[i] = o.Label
		}
		s.sel.SetOptions(labels)
	}
	label := ""
	for _, o := range s.opts {
		if o.Spec == current {
			label = o.Label
		}
	}
	s.current = current
	if s.sel.Selected != label {
		if label == "" {
			s.sel.ClearSelected()
		} else {
			s.sel.SetSelected(label)
		}
	}
}
