package encode

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
)

// programPackets encodes secs seconds of 320x240 30 fps video (keyframe
// every second, 2 B-frames) and 48 kHz stereo AAC with the real encoders,
// and returns the sequence headers followed by the media in DTS order, as
// the program hub hands them out.
func programPackets(t *testing.T, secs int) []media.Packet {
	t.Helper()
	ve, err := NewVideoEncoder(VideoConfig{Width: 320, Height: 240, FPS: 30, Bitrate: 600_000, KeyInt: time.Second,
		BFrames: 2, Encoder: EncoderX264}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ve.Close()
	ae, err := NewAudioEncoder(AudioConfig{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ae.Close()
	var out collector
	frames := movingFrames(320, 240, 30)
	for i := range secs * 30 {
		if err := ve.Encode(frames[i%len(frames)], time.Duration(i)*time.Second/30, out.emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := ve.Flush(out.emit); err != nil {
		t.Fatal(err)
	}
	for at := time.Duration(0); at < time.Duration(secs)*time.Second; at += 10 * time.Millisecond {
		start := int(at / (10 * time.Millisecond) * 480)
		if err := ae.Encode(tone(capture.F32, 48000, 2, start, 480, at), out.emit); err != nil {
			t.Fatal(err)
		}
	}
	if err := ae.Flush(out.emit); err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(out.pkts, func(a, b media.Packet) int { return int(a.DTS - b.DTS) })
	return append([]media.Packet{ve.SequenceHeader(), ae.SequenceHeader()}, out.pkts...)
}

func recordAll(t *testing.T, r *Recorder, pkts []media.Packet) {
	t.Helper()
	for i, p := range pkts {
		if err := r.Write(p); err != nil {
			t.Fatalf("packet %d (%s at %d ms): %v", i, p.Kind, p.DTS, err)
		}
	}
}

// checkPlays requires ffprobe to see H.264 320x240 and AAC stereo lasting
// want (±tol) and FFmpeg to decode the file without an error.
func checkPlays(t *testing.T, path string, want, tol time.Duration) {
	t.Helper()
	p := testpeer.FFprobe(t, path)
	v, okV := p.Stream("video")
	a, okA := p.Stream("audio")
	if !okV || !okA || v.CodecName != "h264" || a.CodecName != "aac" || v.Width != 320 || v.Height != 240 || a.Channels != 2 {
		t.Errorf("%s: streams %+v; want h264 320x240 and aac stereo", filepath.Base(path), p.Streams)
	}
	if d := time.Duration(p.Duration() * float64(time.Second)); d < want-tol || d > want+tol {
		t.Errorf("%s: ffprobe duration %s; want %s ± %s", filepath.Base(path), d, want, tol)
	}
	if e := testpeer.DecodeErrors(t, path); e != "" {
		t.Errorf("%s: decoding reported errors:\n%s", filepath.Base(path), e)
	}
}

// topBoxes lists the top-level ISO BMFF box types of a file.
func topBoxes(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for len(b) >= 8 && len(out) < 10000 {
		n := uint64(binary.BigEndian.Uint32(b))
		typ := string(b[4:8])
		if n == 1 && len(b) >= 16 {
			n = binary.BigEndian.Uint64(b[8:])
		}
		if n < 8 || n > uint64(len(b)) {
			t.Fatalf("box %q of %d bytes with %d left", typ, n, len(b))
		}
		out = append(out, typ)
		b = b[n:]
	}
	return out
}

func TestRecorderFragmentedMP4(t *testing.T) {
	pkts := programPackets(t, 6)
	path := filepath.Join(t.TempDir(), "program.mp4")
	r, err := NewRecorder(RecorderConfig{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	recordAll(t, r, pkts)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Bytes() != fi.Size() {
		t.Errorf("Bytes() = %d; the file has %d", r.Bytes(), fi.Size())
	}
	if d := r.Duration(); d < 5900*time.Millisecond || d > 6100*time.Millisecond {
		t.Errorf("Duration() = %s; want about 6 s", d)
	}
	boxes := topBoxes(t, path)
	if !slices.Contains(boxes, "moof") || boxes[1] != "moov" {
		t.Errorf("top-level boxes %v; want a fragmented MP4 (ftyp, moov, moof…)", boxes[:min(len(boxes), 6)])
	}
	checkPlays(t, path, 6*time.Second, 150*time.Millisecond)
	vpts, key := testpeer.PacketTimes(t, path, "v")
	if len(vpts) != 180 || !key[0] {
		t.Errorf("%d video packets (first key %v); want all 180 frames from a keyframe", len(vpts), len(key) > 0 && key[0])
	}
	if vpts[0] < 0 || vpts[0] > 0.1 {
		t.Errorf("the first video packet is at %.3f s; want the file to start at 0", vpts[0])
	}
	if err := r.Write(pkts[5]); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close = %v; want ErrClosed", err)
	}
}

func TestRecorderFaststartAndMatroska(t *testing.T) {
	pkts := programPackets(t, 4)
	dir := t.TempDir()
	for _, c := range []RecorderConfig{
		{Path: filepath.Join(dir, "fast.mp4"), Faststart: true},
		{Path: filepath.Join(dir, "program.mkv")},
	} {
		r, err := NewRecorder(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		recordAll(t, r, pkts)
		if err := r.Close(); err != nil {
			t.Fatalf("%s: %v", c.Path, err)
		}
		checkPlays(t, c.Path, 4*time.Second, 150*time.Millisecond)
	}
	boxes := topBoxes(t, filepath.Join(dir, "fast.mp4"))
	moov, mdat := slices.Index(boxes, "moov"), slices.Index(boxes, "mdat")
	if slices.Contains(boxes, "moof") || moov < 0 || mdat < moov {
		t.Errorf("fast-start MP4 boxes %v; want moov before mdat and no fragments", boxes)
	}
	if _, err := os.Stat(filepath.Join(dir, "fast.mp4.remux")); !os.IsNotExist(err) {
		t.Errorf("the remux left its temporary file: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "program.mkv")); err != nil || len(b) < 4 || string(b[:4]) != "\x1a\x45\xdf\xa3" {
		t.Errorf("program.mkv is not Matroska (%v)", err)
	}
}

// TestRecorderCrashLeavesPlayableFile copies the file while the recorder
// is still open, mid-stream: the copy is what a SIGKILL would leave (the
// muxer flushes every fragment straight to the file), and it must play to
// within a fragment of what was written.
func TestRecorderCrashLeavesPlayableFile(t *testing.T) {
	pkts := programPackets(t, 8)
	dir := t.TempDir()
	path := filepath.Join(dir, "live.mp4")
	r, err := NewRecorder(RecorderConfig{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recordAll(t, r, pkts[:len(pkts)*3/4])
	written := r.Duration()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(dir, "crashed.mp4")
	if err := os.WriteFile(crashed, b, 0o600); err != nil {
		t.Fatal(err)
	}
	p := testpeer.FFprobe(t, crashed)
	got := time.Duration(p.Duration() * float64(time.Second))
	t.Logf("written %s of media; the file as a crash leaves it plays %s", written, got)
	if got < written-1500*time.Millisecond || got > written+100*time.Millisecond {
		t.Errorf("the crashed file lasts %s; want %s minus at most 1.5 s", got, written)
	}
	if e := testpeer.DecodeErrors(t, crashed); e != "" {
		t.Errorf("decoding the crashed file: %s", e)
	}
}

// failingWriter is a file that fills up after limit bytes, as a full disk
// does: a short write, then ENOSPC.
type failingWriter struct {
	f     *os.File
	limit int64
	n     int64
	fails atomic.Int32
}

func (w *failingWriter) Write(b []byte) (int, error) {
	room := w.limit - w.n
	if room <= 0 {
		w.fails.Add(1)
		return 0, &os.PathError{Op: "write", Path: w.f.Name(), Err: syscall.ENOSPC}
	}
	if int64(len(b)) > room {
		n, _ := w.f.Write(b[:room])
		w.n += int64(n)
		w.fails.Add(1)
		return n, &os.PathError{Op: "write", Path: w.f.Name(), Err: syscall.ENOSPC}
	}
	n, err := w.f.Write(b)
	w.n += int64(n)
	return n, err
}

func (w *failingWriter) Seek(off int64, whence int) (int64, error) { return w.f.Seek(off, whence) }

func TestRecorderDiskFullIsAnError(t *testing.T) {
	pkts := programPackets(t, 6)
	path := filepath.Join(t.TempDir(), "full.mp4")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := &failingWriter{f: f, limit: 100_000}
	r := newRecorderWithSink(RecorderConfig{Path: path}, &fileSink{ws: w, c: f})
	var werr error
	n := 0
	for _, p := range pkts {
		if werr = r.Write(p); werr != nil {
			break
		}
		n++
	}
	if !errors.Is(werr, ErrRecordingWrite) || !errors.Is(werr, syscall.ENOSPC) {
		t.Fatalf("after %d packets Write = %v; want an error wrapping ErrRecordingWrite and ENOSPC", n, werr)
	}
	if !strings.Contains(werr.Error(), path) {
		t.Errorf("the error %q does not name the file", werr)
	}
	if n == 0 || n == len(pkts) {
		t.Errorf("the write failed after %d of %d packets", n, len(pkts))
	}
	if err := r.Write(pkts[n+1]); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("the next Write = %v; want the same error again", err)
	}
	fails := w.fails.Load()
	if err := r.Close(); err != nil {
		t.Errorf("Close after the write error = %v; want nil (the error was reported by Write)", err)
	}
	if w.fails.Load() != fails {
		t.Errorf("Close wrote to the full disk again (%d more failures)", w.fails.Load()-fails)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if r.Bytes() != 100_000 {
		t.Errorf("Bytes() = %d; want the 100000 that fit", r.Bytes())
	}
}

func TestRecorderInputRules(t *testing.T) {
	pkts := programPackets(t, 2)
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.mp4")
	if _, err := NewRecorder(RecorderConfig{Path: path, Format: "avi"}, nil); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("format avi: %v; want ErrInvalidConfig", err)
	}
	if _, err := NewRecorder(RecorderConfig{Path: filepath.Join(dir, "x.mkv"), Faststart: true}, nil); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("faststart Matroska: %v; want ErrInvalidConfig", err)
	}
	// Nothing but headers: no file is left behind.
	r, err := NewRecorder(RecorderConfig{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRecorder(RecorderConfig{Path: path}, nil); !errors.Is(err, os.ErrExist) {
		t.Errorf("a second recorder on the same file: %v; want ErrExist", err)
	}
	recordAll(t, r, pkts[:2])
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a recording without media left a file: %v", err)
	}
	// Media before the first keyframe is dropped; a new header is refused.
	r, err = NewRecorder(RecorderConfig{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	first := slices.IndexFunc(pkts[2:], func(p media.Packet) bool { return p.Kind == media.KindVideo && p.Key }) + 2
	recordAll(t, r, pkts[:2])
	if err := r.Write(media.Packet{Kind: media.KindVideo, DTS: -100, PTS: -100, Data: []byte{0, 0, 0, 1, 0x41}}); err != nil {
		t.Fatal(err)
	}
	recordAll(t, r, pkts[first:])
	if r.Dropped() == 0 {
		t.Errorf("Dropped() = 0; want the access unit before the keyframe counted")
	}
	other := pkts[0]
	other.Data = append([]byte(nil), other.Data...)
	other.Data[len(other.Data)-1] ^= 0xff
	if err := r.Write(other); !errors.Is(err, ErrRecordingFormatChanged) {
		t.Errorf("a different video header mid-file: %v; want ErrRecordingFormatChanged", err)
	}
	if err := r.Write(media.Packet{Kind: media.KindData, Data: []byte{2}}); !errors.Is(err, ErrRecordingFormatChanged) {
		t.Errorf("after the format changed Write = %v; want the same error", err)
	}
}

// TestFailingWriterIsHonest checks the test's own full disk.
func TestFailingWriterIsHonest(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := &failingWriter{f: f, limit: 10}
	if n, err := w.Write(make([]byte, 8)); n != 8 || err != nil {
		t.Fatalf("%d %v", n, err)
	}
	if n, err := w.Write(make([]byte, 8)); n != 2 || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("%d %v", n, err)
	}
	if _, err := io.WriteString(w, "x"); !errors.Is(err, syscall.ENOSPC) {
		t.Fatal(err)
	}
}
