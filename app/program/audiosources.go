package program

import (
	"errors"
	"fmt"
	"strings"

	"github.com/seed7c1a73c4/onair/app/compose"
	"github.com/seed7c1a73c4/onair/app/mixer"
	"github.com/seed7c1a73c4/onair/capture"
)

// openAudio opens spec: one source, or several separated by commas, which
// are mixed; with a scene (or after one, see mixAudio) the audio is always
// a mix, which the scene's stream layers join. "none" is no audio track,
// but with SilentTrack it is a track of silence: alone, a tone made silent;
// in a mix, no source of its own, so the streams' sound is still heard.
func (p *Program) openAudio(spec string) (src capture.AudioSource, silent bool, err error) {
	parts := strings.Split(spec, ",")
	mix := len(parts) > 1 || p.cfg.Scene != nil || p.wantMix.Load()
	if spec == "none" && !p.cfg.SilentTrack {
		mix = false // no audio track at all
	}
	if !mix {
		if spec == "none" && p.cfg.SilentTrack {
			spec, silent = "test", true
		}
		src, err = capture.OpenAudio(spec, capture.AudioConstraints{SampleRate: mixer.Rate, Channels: 2}, p.clock, p.log)
		if err != nil {
			return nil, false, fmt.Errorf("opening the audio source: %w", err)
		}
		return src, silent, nil
	}
	m := mixer.New(p.clock, 0, p.log)
	if err := p.addToMix(m, parts); err != nil {
		m.Close()
		return nil, false, err
	}
	p.mixer.Store(m)
	return m, false, nil
}

// mixAudio makes the audio a mix of the same sources, if it is one source,
// so that the stream layers of a scene coming on air can join it.
func (p *Program) mixAudio() {
	if p.audio == nil || p.isMix() {
		return
	}
	p.wantMix.Store(true)
	if err := p.SwitchAudio(p.audio.Spec()); err != nil {
		p.log.Warn("the audio stays one source, so the scene's streams are not heard", "err", err)
	}
}

// isMix reports whether the audio is the mixer.
func (p *Program) isMix() bool {
	m := p.mixer.Load()
	return m != nil && p.audio.Current() == capture.AudioSource(m)
}

// addToMix opens each spec and adds it to m under its spec.
func (p *Program) addToMix(m *mixer.Mixer, specs []string) error {
	for _, spec := range specs {
		spec = strings.TrimSpace(spec)
		if spec == "none" || spec == "" {
			continue
		}
		src, err := capture.OpenAudio(spec, capture.AudioConstraints{SampleRate: mixer.Rate, Channels: 2}, p.clock, p.log)
		if err != nil {
			return fmt.Errorf("opening the audio source %q: %w", spec, err)
		}
		if err := m.Add(spec, src); err != nil {
			return err
		}
	}
	return nil
}

// SwitchAudio replaces the audio source while the program runs ("none"
// gives silence when the program has an audio track). When the audio is a
// mix, its sources are replaced and a scene's streams stay in it.
func (p *Program) SwitchAudio(spec string) error {
	if p.audio == nil {
		return errors.New("this program has no audio track")
	}
	if p.isMix() {
		m := p.mixer.Load()
		for _, in := range m.Levels() {
			if !strings.HasPrefix(in.Name, compose.StreamInputPrefix) {
				m.Remove(in.Name)
			}
		}
		p.mix.silent.Store(false) // "none" takes the mix's own sources out; the streams stay
		if err := p.addToMix(m, strings.Split(spec, ",")); err != nil {
			return err
		}
		p.audio.SetSpec(spec)
		return nil
	}
	a, silent, err := p.openAudio(spec)
	if err != nil {
		return err
	}
	p.mix.silent.Store(silent)
	p.audio.Swap(a, spec)
	return nil
}

// SetSourceGain sets the gain in dB of one source of the audio mix (its
// spec, or "stream: " and a stream layer's name).
func (p *Program) SetSourceGain(name string, db float64) error {
	m := p.mixer.Load()
	if m == nil {
		return errors.New("the program's audio is not a mix")
	}
	return m.SetGain(name, db)
}

// SetSourceMuted mutes or unmutes one source of the audio mix.
func (p *Program) SetSourceMuted(name string, muted bool) error {
	m := p.mixer.Load()
	if m == nil {
		return errors.New("the program's audio is not a mix")
	}
	return m.SetMuted(name, muted)
}

// SourceLevels returns the meter of every source of the audio mix, or nil
// when the audio is one source.
func (p *Program) SourceLevels() []mixer.InputLevels {
	if m := p.mixer.Load(); m != nil {
		return m.Levels()
	}
	return nil
}

// AddAudioSource opens spec and adds it to the audio mix, making the audio
// a mix first if it is one source.
func (p *Program) AddAudioSource(spec string) error {
	if p.audio == nil {
		return errors.New("this program has no audio track")
	}
	specs := append(specList(p.audio.Spec()), spec)
	if p.isMix() {
		if err := p.addToMix(p.mixer.Load(), []string{spec}); err != nil {
			return err
		}
		p.audio.SetSpec(strings.Join(specs, ","))
		return nil
	}
	return p.SwitchAudio(strings.Join(specs, ","))
}

// specList splits an audio spec into its sources, leaving out "none".
func specList(spec string) []string {
	var out []string
	for _, s := range strings.Split(spec, ",") {
		if s = strings.TrimSpace(s); s != "" && s != "none" {
			out = append(out, s)
		}
	}
	return out
}

// RemoveAudioSource takes the source called name out of the audio mix.
func (p *Program) RemoveAudioSource(name string) error {
	m := p.mixer.Load()
	if m == nil || !m.Remove(name) {
		return fmt.Errorf("the audio mix has no source called %q", name)
	}
	var keep []string
	for _, s := range specList(p.audio.Spec()) {
		if s != name {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		keep = []string{"none"}
	}
	p.audio.SetSpec(strings.Join(keep, ","))
	return nil
}
