package app

import (
	"fmt"

	"github.com/seed7c1a73c4/onair/app/program"
)

// SetMixGain sets one mix source's gain in dB (−60 to +20) and keeps it.
func (s *Studio) SetMixGain(name string, db float64) {
	s.onProgram(false, func(p *program.Program) error {
		if err := p.SetSourceGain(name, db); err != nil {
			return fmt.Errorf("the mixer: %w", err)
		}
		s.keepMix(name, func(m *MixSetting) { m.GainDB = min(max(db, -60), 20) })
		return nil
	})
}

// SetMixMuted mutes or unmutes one mix source and keeps it.
func (s *Studio) SetMixMuted(name string, muted bool) {
	s.onProgram(false, func(p *program.Program) error {
		if err := p.SetSourceMuted(name, muted); err != nil {
			return fmt.Errorf("the mixer: %w", err)
		}
		s.keepMix(name, func(m *MixSetting) { m.Muted = muted })
		return nil
	})
}

// keepMix edits a mix source's saved setting; saves are coalesced, as a
// fader's are.
func (s *Studio) keepMix(name string, edit func(*MixSetting)) {
	s.mu.Lock()
	mix := make(map[string]MixSetting, len(s.settings.Mix)+1)
	for k, v := range s.settings.Mix {
		mix[k] = v
	}
	m := mix[name]
	edit(&m)
	mix[name] = m
	s.settings.Mix = mix
	s.mu.Unlock()
	s.saveLater()
}

// applyMixSettings gives the program's mix sources their saved gain and
// mute; a saved source that is not in the mix now is left for later.
func applyMixSettings(p *program.Program, mix map[string]MixSetting) {
	for name, m := range mix {
		if p.SetSourceGain(name, m.GainDB) == nil {
			_ = p.SetSourceMuted(name, m.Muted)
		}
	}
}

// AddMixSource adds an audio source (a spec from AudioSources) to the mix
// and keeps it in the settings.
func (s *Studio) AddMixSource(spec string) {
	s.onProgram(true, func(p *program.Program) error {
		if err := p.AddAudioSource(spec); err != nil {
			return fmt.Errorf("adding an audio source: %w", err)
		}
		s.mu.Lock()
		saved, ok := s.settings.Mix[spec]
		s.mu.Unlock()
		if ok {
			applyMixSettings(p, map[string]MixSetting{spec: saved})
		}
		s.keepAudioSpec(p)
		return nil
	})
}

// RemoveMixSource takes a source out of the mix and the settings.
func (s *Studio) RemoveMixSource(name string) {
	s.onProgram(true, func(p *program.Program) error {
		if err := p.RemoveAudioSource(name); err != nil {
			return fmt.Errorf("removing an audio source: %w", err)
		}
		s.keepAudioSpec(p)
		return nil
	})
}

// keepAudioSpec takes the program's audio sources as the setting (saved by
// onProgram).
func (s *Studio) keepAudioSpec(p *program.Program) {
	_, audio := p.Sources()
	s.mu.Lock()
	s.settings.Audio = audio
	s.mu.Unlock()
}
