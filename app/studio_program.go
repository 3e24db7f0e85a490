package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/watch"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/internal/rate"
)

// restartProgram (worker only) closes the running program, if any, and
// opens a new one from the settings. A missing camera or microphone falls
// back to the test pattern or tone, and says so.
func (s *Studio) restartProgram() error {
	recording := s.stopRecording()
	if recording {
		defer s.startRecording() // a new file from the new program
	}
	s.stopProgram()
	s.mu.Lock()
	st := s.settings
	s.mu.Unlock()
	cfg := program.Config{Video: st.Video, Audio: st.Audio, Output: st.Output, Preview: s.preview, SilentTrack: true, OnDemand: true,
		LocalStreams: s.localStream}
	if st.Video == sceneVideo {
		sc, err := st.Scenes.Find("")
		if err != nil {
			return s.programFailed(err)
		}
		cfg.Scene = &sc
	}
	prog, err := program.Open(cfg, s.clock, s.log)
	var fallback error
	if err != nil {
		fallback = fmt.Errorf("%w; showing the test sources instead", err)
		cfg.Video, cfg.Audio, cfg.Scene = "test", "test", nil
		if prog, err = program.Open(cfg, s.clock, s.log); err != nil {
			return s.programFailed(err)
		}
	}
	if err := prog.Start(); err != nil {
		prog.Close()
		return s.programFailed(err)
	}
	prog.SetGain(st.GainDB)
	prog.SetMuted(st.Muted)
	applyMixSettings(prog, st.Mix)
	s.mu.Lock()
	s.prog = prog
	s.fps, s.fpsCount = newFPSMeter(), 0
	s.mu.Unlock()
	s.setErr(fallback)
	s.publishProgramLocally()
	s.steerEncoding(time.Now()) // live or recording: the new program encodes at once
	return nil
}

func (s *Studio) programFailed(err error) error {
	err = fmt.Errorf("the program could not start: %w", err)
	s.setErr(err)
	s.log.Error("program", "err", err)
	return err
}

// stopProgram (worker or Close) ends the program and what reads it locally.
func (s *Studio) stopProgram() {
	s.mu.Lock()
	prog, pd := s.prog, s.progFeed
	s.prog, s.progFeed = nil, nil
	s.mu.Unlock()
	if pd != nil {
		pd.stop()
	}
	if prog != nil {
		prog.Close()
	}
}

// watchProgram (worker, twice a second) restarts a program that stopped on
// its own, e.g. because a camera was unplugged, and samples the stats.
func (s *Studio) watchProgram() {
	s.mu.Lock()
	prog := s.prog
	if prog != nil {
		n := prog.Counters().FramesEncoded
		s.fps.Add(n-s.fpsCount, time.Now())
		s.fpsCount = n
	}
	s.mu.Unlock()
	s.cpu.Sample(time.Now())
	if prog == nil {
		return
	}
	s.steerEncoding(time.Now())
	select {
	case <-prog.Done():
	default:
		return
	}
	err := prog.Err()
	if err == nil {
		err = errors.New("the program stopped")
	}
	s.log.Warn("program stopped; restarting on the test sources", "err", err)
	s.mu.Lock()
	s.settings.Video, s.settings.Audio = "test", "test"
	s.mu.Unlock()
	if rerr := s.restartProgram(); rerr == nil {
		s.setErr(fmt.Errorf("%w; switched to the test sources", err))
	}
	s.relinkLive()
}

// onProgram runs f on the program, on the studio's worker, when there is
// a program: f's error is shown in the window; on success the last error
// is cleared and, with save, the settings are saved (after the clearing,
// so that a failed save stays shown).
func (s *Studio) onProgram(save bool, f func(p *program.Program) error) {
	s.do(func() {
		s.mu.Lock()
		prog := s.prog
		s.mu.Unlock()
		if prog == nil {
			return
		}
		if err := f(prog); err != nil {
			s.setErr(err)
			return
		}
		s.setErr(nil)
		if save {
			s.save()
		}
	})
}

// SetVideoSource switches the program's video, live or not.
func (s *Studio) SetVideoSource(spec string) {
	s.onProgram(true, func(p *program.Program) error {
		if err := p.SwitchVideo(spec); err != nil {
			return err
		}
		s.mu.Lock()
		s.settings.Video = spec
		s.mu.Unlock()
		return nil
	})
}

// SetAudioSource switches the program's audio, live or not; "none" sends silence.
func (s *Studio) SetAudioSource(spec string) {
	s.onProgram(true, func(p *program.Program) error {
		if err := p.SwitchAudio(spec); err != nil {
			return err
		}
		s.mu.Lock()
		s.settings.Audio = spec
		s.mu.Unlock()
		return nil
	})
}

// SetMuted mutes the program audio.
func (s *Studio) SetMuted(m bool) {
	s.mu.Lock()
	s.settings.Muted = m
	prog := s.prog
	s.mu.Unlock()
	if prog != nil {
		prog.SetMuted(m)
	}
	s.saveLater()
}

// SetGain sets the program audio gain in dB (−30 to +20).
func (s *Studio) SetGain(db float64) {
	db = min(max(db, -30), 20)
	s.mu.Lock()
	s.settings.GainDB = db
	prog := s.prog
	s.mu.Unlock()
	if prog != nil {
		prog.SetGain(db)
	}
	s.saveLater()
}

// ApplyOutput validates o and, when it differs, restarts the encoder with
// it. It is refused while live: a platform would see a new stream.
func (s *Studio) ApplyOutput(o program.OutputConfig) error {
	if err := o.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	live := s.live != nil
	same := s.settings.Output == o
	if !live {
		s.settings.Output = o
	}
	s.mu.Unlock()
	if live {
		return errors.New("stop the stream before changing the output settings")
	}
	if same {
		return nil
	}
	s.do(func() {
		s.save()
		_ = s.restartProgram()
	})
	return nil
}

// deviceOptions turns the device list into the source choices.
func deviceOptions(devs []capture.Device) (video, audio []SourceOption) {
	video = []SourceOption{{Spec: "test", Label: "Test pattern"}}
	audio = []SourceOption{{Spec: "test", Label: "Test tone"}, {Spec: "none", Label: "No audio (silence)"}}
	for _, d := range devs {
		switch d.Kind {
		case capture.KindCamera:
			video = append(video, SourceOption{Spec: d.Spec, Label: "Camera: " + d.Label})
		case capture.KindScreen:
			video = append(video, SourceOption{Spec: d.Spec, Label: "Screen: " + d.Label})
		case capture.KindMicrophone:
			audio = append(audio, SourceOption{Spec: d.Spec, Label: "Microphone: " + d.Label})
		case capture.KindDesktopAudio:
			audio = append(audio, SourceOption{Spec: d.Spec, Label: "Desktop audio: " + d.Label})
		}
	}
	return video, audio
}

// newFPSMeter is the output frame rate's meter: the program's frame
// counter, sampled twice a second, averaged over 3 s.
func newFPSMeter() *rate.Meter { return rate.New(time.Second, 3) }

// localStream tells a stream layer whether url is an incoming stream of
// the local server as it runs now, and gives the decoder its tile uses.
func (s *Studio) localStream(url string) (*watch.Hub, string, bool) {
	s.mu.Lock()
	srv := s.server
	s.mu.Unlock()
	if srv == nil {
		return nil, "", false
	}
	name, ok := srv.IncomingName(url)
	return srv.Decoded, name, ok
}
