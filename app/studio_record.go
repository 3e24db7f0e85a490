package app

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/app/record"
)

// StartRecording records the program to a new file in the recording
// folder, live or not (crash-safe fragmented MP4, named by date). A
// recording that fails (disk full) stops by itself and says why in the
// snapshot; the program and the destinations go on.
func (s *Studio) StartRecording() { s.do(s.startRecording) }

// StopRecording ends the program recording and closes its file.
func (s *Studio) StopRecording() { s.do(func() { s.stopRecording() }) }

// SetRecordDir changes the recording folder for the next recording.
func (s *Studio) SetRecordDir(dir string) {
	s.do(func() {
		s.mu.Lock()
		s.settings.RecordDir = dir
		s.mu.Unlock()
		s.save()
	})
}

// startRecording runs on the studio goroutine.
func (s *Studio) startRecording() {
	s.mu.Lock()
	prog, dir, running := s.prog, cmp.Or(s.settings.RecordDir, record.DefaultDir()), s.rec != nil
	s.mu.Unlock()
	if running || prog == nil {
		return
	}
	prog.SetEncoding(true) // the recording starts on the new encoder's first keyframe
	rec, err := s.openRecording(prog, dir)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.recErr = store.Sentence(err)
		s.log.Warn("recording not started", "err", err)
		return
	}
	s.rec, s.recErr = rec, ""
	go s.watchRecording(rec)
}

func (s *Studio) openRecording(prog *program.Program, dir string) (*record.Recording, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("the recording folder %s cannot be created: %w", dir, err)
	}
	hub := prog.Hub()
	q := hub.Subscribe(record.QueueLimits)
	path := filepath.Join(dir, record.Name("program", time.Now(), ".mp4"))
	rec, err := record.StartWith(q, func() { hub.Unsubscribe(q) }, record.Options{Path: path, FreeName: true}, s.log)
	if err != nil {
		hub.Unsubscribe(q)
		return nil, err
	}
	return rec, nil
}

// watchRecording notes a recording that stopped by itself; it ends with
// the recording (Stop closes Done too).
func (s *Studio) watchRecording(rec *record.Recording) {
	<-rec.Done()
	err := rec.Err()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rec != rec || err == nil {
		return
	}
	s.rec, s.recErr = nil, store.Sentence(err)
	s.lastRec = rec.Stats()
}

// stopRecording ends the recording, if one runs, and reports whether one
// did. Studio goroutine, or Close.
func (s *Studio) stopRecording() bool {
	s.mu.Lock()
	rec := s.rec
	s.rec = nil
	s.mu.Unlock()
	if rec == nil {
		return false
	}
	if err := rec.Stop(); err != nil {
		s.log.Warn("recording", "err", err)
	}
	s.mu.Lock()
	s.lastRec = rec.Stats()
	s.mu.Unlock()
	return true
}

func (s *Studio) recordingStatusLocked() RecordingStatus {
	st := RecordingStatus{Error: s.recErr, Dir: cmp.Or(s.settings.RecordDir, record.DefaultDir())}
	rs := s.lastRec
	if s.rec != nil {
		rs = s.rec.Stats()
		st.On = true
	}
	st.Path, st.Duration, st.Bytes, st.Dropped = rs.Path, rs.Duration, rs.Bytes, rs.Dropped
	return st
}
