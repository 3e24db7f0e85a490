package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/ui/widgets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/seed7c1a73c4/onair/app"
)

// The choices the output form offers.
var (
	outputSizes      = []string{"1920x1080", "1280x720", "854x480", "640x360"}
	outputRates      = []string{"24", "25", "30", "50", "60"}
	outputPresets    = []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"}
	outputAudioRates = []string{"96 kb/s", "128 kb/s", "160 kb/s", "192 kb/s", "256 kb/s", "320 kb/s"}
	// outputCodecs are the video codec choices, as OutputConfig.Codec says them.
	outputCodecs = []struct{ label, value string }{
		{"H.264 (every platform)", program.CodecH264},
		{"HEVC (YouTube, Enhanced RTMP)", program.CodecHEVC},
	}
)

// outputTab is the encoding form. ApplyOutput's validation errors are
// shown inline, one red line per sentence; the form is locked while live.
type outputTab struct {
	w                                 *Window
	size, fps, encoder, preset, audio *widget.Select
	codec                             *widget.Select
	bitrate, keyint                   *widget.Entry
	apply                             *widget.Button
	errs                              *widgets.ErrorList
	status                            *widget.Label
	locked                            *widget.Label
	base                              program.OutputConfig // the last applied config: fields the form does not show
	inner                             *fyne.Container
	scroll                            *container.Scroll
	obj                               fyne.CanvasObject
}

func newOutputTab(w *Window) *outputTab {
	o := &outputTab{w: w, errs: widgets.NewErrorList()}
	o.size = widget.NewSelect(outputSizes, nil)
	o.fps = widget.NewSelect(outputRates, nil)
	o.encoder = widget.NewSelect(slices.Clone(program.Encoders), nil)
	var labels []string
	for _, c := range outputCodecs {
		labels = append(labels, c.label)
	}
	o.codec = widget.NewSelect(labels, o.codecChanged)
	o.preset = widget.NewSelect(outputPresets, nil)
	o.audio = widget.NewSelect(outputAudioRates, nil)
	o.bitrate = widget.NewEntry()
	o.keyint = widget.NewEntry()
	o.apply = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), o.applyTapped)
	o.apply.Importance = widget.HighImportance
	o.status = widget.NewLabel("")
	o.status.Importance = widget.SuccessImportance
	o.status.Hide()
	o.locked = widgets.WrapLabel("Output settings are locked while live.", widget.LowImportance)
	o.locked.Hide()
	unit := func(e *widget.Entry, u string) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, widget.NewLabel(u), e)
	}
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("Resolution"), o.size,
		widget.NewLabel("Frame rate"), o.fps,
		widget.NewLabel("Video bitrate"), unit(o.bitrate, "kb/s, constant"),
		widget.NewLabel("Video codec"), o.codec,
		widget.NewLabel("Encoder"), o.encoder,
		widget.NewLabel("Preset"), o.preset,
		widget.NewLabel("Keyframe interval"), unit(o.keyint, "s"),
		widget.NewLabel("Audio bitrate"), o.audio,
	)
	o.inner = container.NewVBox(form, container.NewHBox(o.apply, o.status), o.locked, o.errs.Object())
	o.scroll = container.NewVScroll(o.inner)
	o.obj = o.scroll
	return o
}

func (o *outputTab) update(snap, prev app.StudioSnapshot, first bool) {
	if first || snap.Output != prev.Output {
		o.fill(snap.Output)
	}
	on := !(snap.Live || snap.Connecting)
	for _, s := range []*widget.Select{o.size, o.fps, o.codec, o.encoder, o.preset, o.audio} {
		widgets.SetEnabled(s, on)
	}
	widgets.SetEnabled(o.bitrate, on)
	widgets.SetEnabled(o.keyint, on)
	widgets.SetEnabled(o.apply, on)
	if widgets.SetVisible(o.locked, !on) {
		widgets.Relayout(o.inner, o.scroll)
	}
}

// fill shows cfg in the form.
func (o *outputTab) fill(cfg program.OutputConfig) {
	o.base = cfg
	selectAdding(o.size, fmt.Sprintf("%dx%d", cfg.Width, cfg.Height))
	selectAdding(o.fps, strconv.Itoa(cfg.FPS))
	selectAdding(o.encoder, cfg.Encoder)
	o.codec.SetSelected(codecLabel(cfg.Codec)) // after the encoder: codecChanged may follow it
	selectAdding(o.preset, cfg.Preset)
	selectAdding(o.audio, strconv.Itoa(cfg.AudioBitrate/1000)+" kb/s")
	o.bitrate.SetText(strconv.Itoa(cfg.VideoBitrate / 1000))
	o.keyint.SetText(strconv.FormatFloat(cfg.KeyInt.Seconds(), 'f', -1, 64))
}

// selectAdding selects v, adding it to the options when it is not one.
func selectAdding(s *widget.Select, v string) {
	if !slices.Contains(s.Options, v) {
		s.SetOptions(append(slices.Clone(s.Options), v))
	}
	s.SetSelected(v)
}

// read turns the form into a config; unreadable fields are errors here,
// out-of-range values are left to ApplyOutput's validation.
func (o *outputTab) read() (program.OutputConfig, []string) {
	cfg := o.base
	var errs []string
	if w, h, err := program.ParseSize(o.size.Selected); err == nil {
		cfg.Width, cfg.Height = w, h
	} else {
		errs = append(errs, err.Error())
	}
	if n, err := strconv.Atoi(o.fps.Selected); err == nil {
		cfg.FPS = n
	} else {
		errs = append(errs, fmt.Sprintf("%q is not a frame rate", o.fps.Selected))
	}
	if b, err := parseKbps(o.bitrate.Text); err == nil {
		cfg.VideoBitrate = b
	} else {
		errs = append(errs, err.Error())
	}
	if s, err := strconv.ParseFloat(strings.TrimSpace(o.keyint.Text), 64); err == nil && s >= 0 && s < 3600 {
		cfg.KeyInt = time.Duration(s * float64(time.Second))
	} else {
		errs = append(errs, fmt.Sprintf("%q is not a keyframe interval: use seconds, e.g. 2", o.keyint.Text))
	}
	if b, err := parseKbps(strings.TrimSuffix(o.audio.Selected, " kb/s")); err == nil {
		cfg.AudioBitrate = b
	} else {
		errs = append(errs, err.Error())
	}
	cfg.Encoder = o.encoder.Selected
	cfg.Codec = program.CodecH264
	for _, c := range outputCodecs {
		if c.label == o.codec.Selected {
			cfg.Codec = c.value
		}
	}
	cfg.Preset = o.preset.Selected
	return cfg, errs
}

// codecLabel is the codec choice that shows OutputConfig.Codec value.
func codecLabel(value string) string {
	for _, c := range outputCodecs {
		if c.value == value {
			return c.label
		}
	}
	return outputCodecs[0].label // empty: settings from before the choice, H.264
}

// codecChanged keeps a software encoder choice right for the codec: x264
// makes H.264 only and x265 HEVC only.
func (o *outputTab) codecChanged(label string) {
	value := program.CodecH264
	for _, c := range outputCodecs {
		if c.label == label {
			value = c.value
		}
	}
	if sel := o.encoder.Selected; (sel == "x264" || sel == "x265") && sel != program.SoftwareEncoder(value) {
		o.encoder.SetSelected(program.SoftwareEncoder(value))
	}
}

// parseKbps reads a number of kb/s ("4500"), or a bitrate with a unit ("4.5M").
func parseKbps(s string) (int, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e7 {
		return int(f*1000 + 0.5), nil
	}
	return program.ParseBitrate(s)
}

func (o *outputTab) applyTapped() {
	cfg, errs := o.read()
	if len(errs) == 0 {
		errs = widgets.Sentences(o.w.s.ApplyOutput(cfg))
	}
	if len(errs) == 0 {
		o.base = cfg
		widgets.SetText(o.status, "Applied.")
	}
	changed := o.errs.Set(errs)
	if widgets.SetVisible(o.status, len(errs) == 0) || changed {
		widgets.Relayout(o.inner, o.scroll)
	}
}
