package encode

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed7c1a73c4/onair/media"
)

// Recording formats accepted in RecorderConfig.Format.
//
// The default is fragmented MP4 because it is the one of the two that
// survives a crash whole: tested by SIGKILL of an FFmpeg 5.1 muxer 12 s
// into a live push, the fragmented MP4 (a fragment at every keyframe and at
// least every second) played to 11.0 s with its duration known to ffprobe,
// while the Matroska file had lost its last 2 s (a cluster is written only
// when it closes) and had no duration at all (it lives in the header that
// is rewritten on a clean close). Both decoded without errors.
const (
	RecordFragmentedMP4 = "mp4" // fragmented MP4 (default): plays after a crash
	RecordMatroska      = "mkv" // Matroska: plays after a crash, without a duration
)

var (
	// ErrRecordingFormatChanged is returned by Recorder.Write when a
	// sequence header differs from the one the file was started with (a
	// camera that came back at another size): the file cannot hold both.
	ErrRecordingFormatChanged = errors.New("encode: the stream's format changed during the recording")

	// ErrRecordingWrite wraps every failure to write the recording file
	// (disk full, I/O error); the underlying error (syscall.ENOSPC…) is in
	// the chain too.
	ErrRecordingWrite = errors.New("encode: writing the recording failed")
)

// maxPendingPackets bounds what a Recorder keeps before it can start the
// file (media before the first video keyframe is dropped, not kept: this is
// only the headers' wait).
const maxPendingPackets = 64

// RecorderConfig sets up a Recorder.
type RecorderConfig struct {
	// Path is the file to create. It must not exist yet.
	Path string
	// Format is RecordFragmentedMP4 or RecordMatroska; empty picks Matroska
	// for a .mkv path and fragmented MP4 otherwise.
	Format string
	// Faststart remuxes a fragmented MP4 to a regular MP4 (index first) on
	// Close. If that fails, the fragmented file is kept and Close says why.
	Faststart bool
}

// Recorder muxes media.Packet values (H.264 AVCC with its
// AVCDecoderConfigurationRecord, AAC with its AudioSpecificConfig) into a
// file without re-encoding.
//
// The file starts at the first video keyframe (or the first audio frame of
// an audio-only stream) with the tracks whose sequence headers came before
// it; timestamps are moved so that it starts at 0. Write and Close must be
// called from one goroutine (the owner of the format context); Bytes,
// Duration and Dropped may be read from any goroutine. Close is safe twice
// and after errors. A write error (disk full) is returned wrapped in
// ErrRecordingWrite and is sticky: every later Write returns it.
type Recorder struct {
	cfg RecorderConfig
	log *slog.Logger

	mu      sync.Mutex // guards the muxer against a concurrent Close
	closed  bool
	err     error // sticky
	sink    *fileSink
	mux     *muxer // nil until the first media packet
	vHeader []byte
	vCodec  media.Codec // of vHeader
	aHeader []byte

	bytes    atomic.Int64
	duration atomic.Int64 // ms of media written
	dropped  atomic.Uint64
}

// NewRecorder creates cfg.Path (refusing to overwrite a file) and returns a
// recorder that waits for the sequence headers and the first keyframe. A
// nil log discards.
func NewRecorder(cfg RecorderConfig, log *slog.Logger) (*Recorder, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Path == "" {
		return nil, fmt.Errorf("%w: the recording needs a file name", ErrInvalidConfig)
	}
	if cfg.Format == "" {
		cfg.Format = RecordFragmentedMP4
		if strings.EqualFold(filepath.Ext(cfg.Path), ".mkv") {
			cfg.Format = RecordMatroska
		}
	}
	if cfg.Format != RecordFragmentedMP4 && cfg.Format != RecordMatroska {
		return nil, fmt.Errorf("%w: recording format %q: use %q or %q", ErrInvalidConfig, cfg.Format,
			RecordFragmentedMP4, RecordMatroska)
	}
	if cfg.Faststart && cfg.Format != RecordFragmentedMP4 {
		return nil, fmt.Errorf("%w: only an MP4 recording can be remuxed for fast start", ErrInvalidConfig)
	}
	if err := shimCheck(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(cfg.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("encode: creating the recording: %w", err)
	}
	r := &Recorder{cfg: cfg, log: log}
	r.sink = &fileSink{ws: f, c: f, written: &r.bytes}
	return r, nil
}

// newRecorderWithSink is NewRecorder writing through s (tests inject
// failing writers here).
func newRecorderWithSink(cfg RecorderConfig, s *fileSink) *Recorder {
	if cfg.Format == "" {
		cfg.Format = RecordFragmentedMP4
	}
	r := &Recorder{cfg: cfg, log: slog.New(slog.DiscardHandler), sink: s}
	s.written = &r.bytes
	return r
}

// Path returns the file being written.
func (r *Recorder) Path() string { return r.cfg.Path }

// Bytes returns how many bytes have reached the file.
func (r *Recorder) Bytes() int64 { return r.bytes.Load() }

// Duration returns how much media has been handed to the muxer.
func (r *Recorder) Duration() time.Duration {
	return time.Duration(r.duration.Load()) * time.Millisecond
}

// Dropped returns the packets the recorder left out: media before the
// first keyframe or without a sequence header, and audio stamped before
// the file's start.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// Write adds p to the recording. Sequence headers are remembered (a
// repeated one is ignored; a different one once the file has started is
// ErrRecordingFormatChanged); metadata is ignored. Write never re-encodes.
func (r *Recorder) Write(p media.Packet) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return ErrClosed
	case r.err != nil:
		return r.err
	case p.Kind == media.KindData:
		return nil
	case p.Kind != media.KindVideo && p.Kind != media.KindAudio:
		return fmt.Errorf("%w: a %s packet given to the recorder", ErrUnsupportedInput, p.Kind)
	case p.Header:
		return r.header(p)
	case len(p.Data) == 0:
		return nil
	}
	if r.mux == nil {
		if !r.ready(p) {
			r.dropped.Add(1)
			return nil
		}
		m, err := startMuxer(r.cfg, r.sink, r.vCodec, r.vHeader, r.aHeader, p.DTS, r.log)
		if err != nil {
			r.err = r.writeError(err)
			return r.err
		}
		r.mux = m
	}
	ms, ok, err := r.mux.write(p)
	if err != nil {
		r.err = r.writeError(err)
		return r.err
	}
	if !ok {
		r.dropped.Add(1)
	}
	if ms > r.duration.Load() {
		r.duration.Store(ms)
	}
	return nil
}

// header remembers a sequence header, or checks it against the file's.
func (r *Recorder) header(p media.Packet) error {
	cur := &r.vHeader
	if p.Kind == media.KindAudio {
		cur = &r.aHeader
	}
	if r.mux == nil {
		*cur = append((*cur)[:0], p.Data...)
		if p.Kind == media.KindVideo {
			r.vCodec = p.Codec
		}
		return nil
	}
	if r.mux.has(p.Kind) && (string(*cur) != string(p.Data) || p.Kind == media.KindVideo && p.Codec != r.vCodec) {
		r.err = fmt.Errorf("%w (a new %s sequence header)", ErrRecordingFormatChanged, p.Kind)
		return r.err
	}
	return nil // same header again, or a track that came too late for this file
}

// ready reports whether the file can start with the media packet p: its
// track has a header, and with video it is a keyframe.
func (r *Recorder) ready(p media.Packet) bool {
	if r.vHeader != nil {
		return p.Kind == media.KindVideo && p.Key
	}
	return p.Kind == media.KindAudio && r.aHeader != nil
}

// writeError says which file failed, keeping the cause (a Go error from
// the file, such as ENOSPC, rather than libav's code for it) in the chain.
func (r *Recorder) writeError(err error) error {
	if r.sink.err != nil {
		return fmt.Errorf("%w: %s: %w", ErrRecordingWrite, r.cfg.Path, r.sink.err)
	}
	if errors.Is(err, ErrInvalidConfig) || errors.Is(err, ErrUnsupportedInput) {
		return err
	}
	return fmt.Errorf("%w: %s: %w", ErrRecordingWrite, r.cfg.Path, err)
}

// Close ends the file: it writes what the muxer holds and its trailer,
// closes the file and, with Faststart, remuxes it. A file that never
// started (no media came) is removed. After a write error Close only frees
// and closes (the fragments already written still play). It is safe to
// call twice.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	var err error
	finished := false
	if r.mux != nil {
		if r.err == nil || errors.Is(r.err, ErrRecordingFormatChanged) { // the file itself is fine
			if e := r.mux.finish(); e != nil {
				err = r.writeError(e)
			} else {
				finished = true
			}
		}
		r.mux.free()
	}
	if e := r.sink.close(); e != nil && err == nil && r.sink.err == nil {
		err = fmt.Errorf("%w: closing %s: %w", ErrRecordingWrite, r.cfg.Path, e)
		finished = false
	}
	if r.mux == nil {
		_ = os.Remove(r.cfg.Path) // nothing was recorded
		return err
	}
	if finished && r.cfg.Faststart {
		if e := remuxFaststart(r.cfg.Path); e != nil {
			err = e
		} else if fi, e := os.Stat(r.cfg.Path); e == nil {
			r.bytes.Store(fi.Size())
		}
	}
	return err
}
