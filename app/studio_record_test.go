package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// The studio records the program while not live, into the chosen folder,
// and the file plays (ffprobe: h264 + aac, about as long as recorded).
func TestStudioRecordsTheProgram(t *testing.T) {
	dir := t.TempDir()
	recDir := filepath.Join(dir, "recordings")
	s := newTestStudio(t, dir, func(st *Settings) { st.Output = studioOutput(); st.RecordDir = recDir })
	waitFor(t, 10*time.Second, "the program's preview", func() bool { return s.Preview().Seq() > 5 })
	s.StartRecording() // starts the encoder, which is idle until then
	waitFor(t, 5*time.Second, "recording on", func() bool { return s.Snapshot().Recording.On })
	time.Sleep(3 * time.Second)
	rs := s.Snapshot().Recording
	s.StopRecording()
	waitFor(t, 5*time.Second, "recording off", func() bool { return !s.Snapshot().Recording.On })
	if rs.Dir != recDir || !strings.HasPrefix(rs.Path, recDir+string(filepath.Separator)+"program-") || rs.Bytes == 0 {
		t.Fatalf("recording status %+v", rs)
	}
	if _, err := os.Stat(rs.Path); err != nil {
		t.Fatal(err)
	}
	p := testpeer.FFprobe(t, rs.Path)
	v, okv := p.Stream("video")
	a, oka := p.Stream("audio")
	if !okv || !oka || v.CodecName != "h264" || a.CodecName != "aac" {
		t.Fatalf("%s: %+v; want h264 and aac", rs.Path, p)
	}
	if d := p.Duration(); d < 2.5 || d > 6 {
		t.Errorf("duration %.2f s; want about 3–4 s", d)
	}
	if e := testpeer.DecodeErrors(t, rs.Path); e != "" {
		t.Errorf("decode errors: %s", e)
	}
}

// A recording folder that cannot be created is one sentence in the
// snapshot, and the program goes on.
func TestStudioRecordingFolderProblem(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := newTestStudio(t, dir, func(st *Settings) { st.Output = studioOutput(); st.RecordDir = filepath.Join(blocker, "sub") })
	waitFor(t, 10*time.Second, "the program's preview", func() bool { return s.Preview().Seq() > 5 })
	s.StartRecording()
	waitFor(t, 5*time.Second, "the error", func() bool { return s.Snapshot().Recording.Error != "" })
	if rs := s.Snapshot().Recording; rs.On || !strings.Contains(rs.Error, "cannot be created") {
		t.Errorf("recording status %+v", rs)
	}
	seq := s.Preview().Seq()
	waitFor(t, 5*time.Second, "the program going on", func() bool { return s.Preview().Seq() > seq+5 })
}
