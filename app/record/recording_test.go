package record

import (
	"bytes"
	"errors"
	"image"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/store"

	"go.uber.org/goleak"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
)

// encodedProgram encodes secs seconds of 320x240 30 fps H.264 (a keyframe
// a second) and AAC with the real encoders: headers first, then media in
// DTS order from the first keyframe (the AAC priming frame stamped before
// it is left out: a new reader's queue would skip it).
func encodedProgram(t *testing.T, secs int) []media.Packet {
	t.Helper()
	ve, err := encode.NewVideoEncoder(encode.VideoConfig{Width: 320, Height: 240, FPS: 30, Bitrate: 800_000,
		KeyInt: time.Second, Encoder: encode.EncoderX264}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ve.Close()
	ae, err := encode.NewAudioEncoder(encode.AudioConfig{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ae.Close()
	var frames []media.Packet
	emit := func(p media.Packet) { frames = append(frames, p) }
	img := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
	for i := range secs * 30 {
		for y := range 240 {
			for x := range 320 {
				img.Y[y*img.YStride+x] = byte((x*7 + y*3 + i*5) ^ (x * y >> 4))
			}
		}
		if err := ve.Encode(img, time.Duration(i)*time.Second/30, emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := ve.Flush(emit); err != nil {
		t.Fatal(err)
	}
	pcm := make([]byte, 480*2*2)
	for i := range pcm {
		pcm[i] = byte(i * 37)
	}
	for at := time.Duration(0); at < time.Duration(secs)*time.Second; at += 10 * time.Millisecond {
		f := capture.AudioFrame{Format: capture.S16, Rate: 48000, Channels: 2, Samples: 480, Time: at, Data: pcm}
		if err := ae.Encode(f, emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := ae.Flush(emit); err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(frames, func(a, b media.Packet) int { return int(a.DTS - b.DTS) })
	frames = frames[slices.IndexFunc(frames, func(p media.Packet) bool { return p.Kind == media.KindVideo && p.Key }):]
	return append([]media.Packet{ve.SequenceHeader(), ae.SequenceHeader()}, frames...)
}

// syncLog is a slog destination tests read back.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func waitDone(t *testing.T, r *Recording, d time.Duration) {
	t.Helper()
	select {
	case <-r.Done():
	case <-time.After(d):
		t.Fatalf("the recording did not end within %s", d)
	}
}

func TestRecordingFromHub(t *testing.T) {
	pkts := encodedProgram(t, 4)
	before := goleak.IgnoreCurrent()
	hub := media.NewPacketHub(media.HubOptions{GOPCache: true})
	for _, p := range pkts[:2] {
		hub.Write(p)
	}
	path := filepath.Join(t.TempDir(), Name("program", time.Now(), ".mp4"))
	q := hub.Subscribe(QueueLimits)
	r, err := Start(q, func() { hub.Unsubscribe(q) }, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts[2:] {
		hub.Write(p)
	}
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := r.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if hub.Readers() != 0 {
		t.Errorf("the recording is still subscribed after Stop")
	}
	goleak.VerifyNone(t, before)
	s := r.Stats()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Running || s.Bytes != fi.Size() || s.Dropped != 0 || s.Duration < 3900*time.Millisecond || s.Path != path {
		t.Errorf("stats %+v; want stopped, %d bytes, no drops, about 4 s", s, fi.Size())
	}
	p := testpeer.FFprobe(t, path)
	if d := p.Duration(); d < 3.85 || d > 4.15 {
		t.Errorf("ffprobe duration %.3f s; want 4 ± 0.15", d)
	}
	if _, ok := p.Stream("audio"); !ok {
		t.Errorf("no audio track in %+v", p.Streams)
	}
	if e := testpeer.DecodeErrors(t, path); e != "" {
		t.Errorf("decoding the recording: %s", e)
	}
}

// mountTmpfs mounts a tmpfs of size bytes on a new directory.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mounting a %s tmpfs to fill up needs root (CAP_SYS_ADMIN): %v %s; "+
			"encode's TestRecorderDiskFullIsAnError injects the same failure without it", size, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// TestRecordingDiskFull records into a 256 KiB file system: the recording
// must stop by itself with one clear sentence, leave the hub, and the
// other reader of the same stream must get every packet.
func TestRecordingDiskFull(t *testing.T) {
	pkts := encodedProgram(t, 8)
	dir := mountTmpfs(t, "256k")
	before := goleak.IgnoreCurrent()
	logs := &syncLog{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	hub := media.NewPacketHub(media.HubOptions{GOPCache: true})
	for _, p := range pkts[:2] {
		hub.Write(p)
	}
	player := hub.Subscribe(media.QueueLimits{MaxPackets: 4096, MaxBytes: 64 << 20})
	path := filepath.Join(dir, "program.mp4")
	q := hub.Subscribe(QueueLimits)
	r, err := Start(q, func() { hub.Unsubscribe(q) }, path, log)
	if err != nil {
		t.Fatal(err)
	}
	var worst time.Duration
	for _, p := range pkts[2:] {
		t0 := time.Now()
		hub.Write(p)
		worst = max(worst, time.Since(t0))
		time.Sleep(200 * time.Microsecond) // let the recorder keep up, so that it, not its queue, fails
	}
	waitDone(t, r, 20*time.Second)
	err = r.Err()
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Err() = %v; want the disk-full error", err)
	}
	want := "recording stopped: the disk is full (" + path + ")"
	if err.Error() != want {
		t.Errorf("Err() says %q; want %q", err, want)
	}
	if n := strings.Count(logs.String(), want); n != 1 {
		t.Errorf("the log has the sentence %d times; want once:\n%s", n, logs)
	}
	if !errors.Is(r.Stop(), syscall.ENOSPC) {
		t.Errorf("Stop after the failure does not return it")
	}
	if hub.Readers() != 1 {
		t.Errorf("%d readers after the recording failed; want only the player", hub.Readers())
	}
	goleak.VerifyNone(t, before)
	got := 0
	for {
		if _, ok := player.TryPop(); !ok {
			break
		}
		got++
	}
	if got != len(pkts) || player.Stats().Dropped != 0 {
		t.Errorf("the player got %d of %d packets (%d dropped); want all", got, len(pkts), player.Stats().Dropped)
	}
	if worst > 100*time.Millisecond {
		t.Errorf("a hub write took %s while the disk was full; the stream must never wait", worst)
	}
	if s := r.Stats(); s.Bytes < 200<<10 || s.Running {
		t.Errorf("stats %+v; want stopped after filling about 256 KiB", s)
	}
}

func TestRecordingCannotCreate(t *testing.T) {
	hub := media.NewPacketHub(media.HubOptions{})
	q := hub.Subscribe(QueueLimits)
	calls := 0
	_, err := Start(q, func() { calls++; hub.Unsubscribe(q) }, filepath.Join(t.TempDir(), "no", "such", "dir.mp4"), nil)
	if err == nil || !strings.Contains(err.Error(), "cannot record to") {
		t.Fatalf("err = %v; want one sentence naming the file", err)
	}
	if calls != 1 || hub.Readers() != 0 {
		t.Errorf("stop called %d times, %d readers left; want the queue left once", calls, hub.Readers())
	}
	if got := store.PlainError(err.Error()); strings.Contains(got, "encode:") {
		t.Errorf("people would see a package prefix: %q", got)
	}
}

// A recording onto a file that exists takes the next free name (show-2.mp4,
// show-3.mp4), or, without FreeName, says that the file exists.
func TestRecordingFreeName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "show.mp4")
	if err := os.WriteFile(path, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	hub := media.NewPacketHub(media.HubOptions{})
	start := func(free bool) (*Recording, error) {
		q := hub.Subscribe(QueueLimits)
		return StartWith(q, func() { hub.Unsubscribe(q) }, Options{Path: path, FreeName: free}, nil)
	}
	var open []*Recording // both at once: a recording without media leaves no file
	for _, want := range []string{"show-2.mp4", "show-3.mp4"} {
		r, err := start(true)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, r)
		if r.Path() != filepath.Join(dir, want) {
			t.Errorf("recording to %s; want %s", r.Path(), want)
		}
	}
	for _, r := range open {
		_ = r.Stop()
	}
	if _, err := start(false); err == nil || !strings.Contains(err.Error(), "show.mp4 exists already") || strings.Contains(err.Error(), "encode:") {
		t.Errorf("without FreeName: %v; want that show.mp4 exists already", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep" {
		t.Error("the existing file was changed")
	}
	if hub.Readers() != 0 {
		t.Errorf("%d readers left", hub.Readers())
	}
}

func TestRecordingName(t *testing.T) {
	at := time.Date(2026, 12, 3, 8, 15, 0, 0, time.UTC)
	for _, c := range []struct{ source, ext, want string }{
		{"program", ".mp4", "program-2026-12-03_08-15-00.mp4"},
		{"live/cam", "mp4", "live-cam-2026-12-03_08-15-00.mp4"},
		{"../../etc/passwd", ".mkv", "etc-passwd-2026-12-03_08-15-00.mkv"},
		{"a b\x00c//d", "", "a-b-c-d-2026-12-03_08-15-00.mp4"},
		{"", ".m/p4", "recording-2026-12-03_08-15-00.mp4"},
		{"--..--", ".mp4", "recording-2026-12-03_08-15-00.mp4"},
		{"Kamera_1.ü", ".MKV", "Kamera_1-2026-12-03_08-15-00.MKV"},
	} {
		if got := Name(c.source, at, c.ext); got != c.want {
			t.Errorf("RecordingName(%q, %q) = %q; want %q", c.source, c.ext, got, c.want)
		}
	}
	long := Name(strings.Repeat("x", 500), at, ".mp4")
	if len(long) > 120 || strings.ContainsAny(long, "/\\") {
		t.Errorf("a long source gives %q", long)
	}
}
