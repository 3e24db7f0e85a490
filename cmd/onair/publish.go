package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/app/record"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
)

// destinationsFlag collects repeated --to URL flags; --key sets the stream
// key of the --to before it (for servers shown apart from their key).
type destinationsFlag struct{ list *[]dest.Config }

// String implements flag.Value (no default to show).
func (f destinationsFlag) String() string { return "" }

// Set adds a destination.
func (f destinationsFlag) Set(v string) error {
	*f.list = append(*f.list, dest.Config{URL: v})
	return nil
}

// keyFlag is --key: the stream key of the --to before it, registered as a
// secret so that no log shows it.
type keyFlag struct {
	list    *[]dest.Config
	secrets *store.Secrets
}

// String implements flag.Value (a key is never shown).
func (f keyFlag) String() string { return "" }

// Set gives the last destination its key.
func (f keyFlag) Set(v string) error {
	f.secrets.Add(v)
	if len(*f.list) == 0 {
		return errors.New("it must follow the --to it belongs to")
	}
	if err := dest.CheckStreamKey(v); err != nil {
		return err
	}
	(*f.list)[len(*f.list)-1].Key = v
	return nil
}

func runPublish(ctx context.Context, args []string, _, stderr io.Writer) int {
	secrets := &store.Secrets{}
	var dests []dest.Config
	out := program.DefaultOutput()
	fs := flag.NewFlagSet("onair publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	video := fs.String("video", "test", "video source: test, camera[:ID] or screen[:N]")
	audio := fs.String("audio", "test", "audio source: test, mic[:ID], desktop[:ID] (what the computer plays) or none; several, separated by commas, are mixed")
	sceneFile := fs.String("scene", "", "compose the video from the scene file `FILE` (see docs/scenes.md) instead of --video")
	sceneName := fs.String("scene-name", "", "which scene of the --scene file to compose (default: its current one, or the first)")
	var cycle sceneCycle
	fs.DurationVar(&cycle.every, "switch-every", 0, "switch to the --scene file's next scene every `DURATION`, round and round (0 = never)")
	fs.Var(&cycle.transitions, "transitions", "how --switch-every switches, in turn: a comma `LIST` of cut and fade:DURATION (default cut)")
	fs.Var(sizeValue{&out.Width, &out.Height}, "size", "output size `WIDTHxHEIGHT`")
	fs.IntVar(&out.FPS, "fps", out.FPS, "output frame rate")
	fs.Var(bitrateValue{&out.VideoBitrate}, "video-bitrate", "video `bitrate` (constant), e.g. 4500k or 6M")
	fs.Var(bitrateValue{&out.AudioBitrate}, "audio-bitrate", "AAC `bitrate`, e.g. 160k")
	fs.DurationVar(&out.KeyInt, "keyint", out.KeyInt, "keyframe interval")
	fs.StringVar(&out.Codec, "codec", out.Codec, "video codec: h264, or hevc (H.265, sent over Enhanced RTMP)")
	fs.StringVar(&out.Preset, "preset", out.Preset, "encoder preset (x264's and x265's names)")
	fs.StringVar(&out.Encoder, "encoder", out.Encoder, "video encoder: auto, x264 (H.264), x265 (HEVC), vaapi or nvenc")
	fs.IntVar(&out.BFrames, "bframes", out.BFrames, "B-frames between references")
	fs.BoolVar(&out.ZeroLatency, "zerolatency", false, "tune the encoder for lowest latency (no B-frames)")
	fs.Var(destinationsFlag{&dests}, "to", "destination URL rtmp[s]://host[:port]/app/key (repeatable)")
	fs.Var(keyFlag{&dests, secrets}, "key", "stream key for the --to before it, when its URL has none")
	duration := fs.Duration("duration", 0, "stop after this much media (0 = until Ctrl-C)")
	caFile := fs.String("ca-file", "", "extra PEM certificate authorities for rtmps://")
	recordPath := fs.String("record", "", "also record the program to this new file (fragmented MP4; .mkv for Matroska)")
	logLevel := logLevelFlag(fs, "info")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	for _, d := range dests {
		registerURLSecrets(secrets, d.URL)
	}
	log, err := newLogger(stderr, *logLevel, secrets)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	encode.RouteLibavLog(log)
	if out.ZeroLatency {
		out.BFrames = 0
	}
	sc, err := cycle.load(*sceneFile, *sceneName)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	cfg := app.BroadcastConfig{
		Program:      program.Config{Video: *video, Scene: sc, Audio: *audio, Output: out, Duration: *duration},
		Destinations: dests,
		CAFile:       *caFile,
	}
	b, err := app.StartBroadcast(ctx, cfg, capture.NewClock(), log)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	if !b.ReachedAtStart() {
		until := "until one answers: press Ctrl-C to stop"
		if *duration > 0 {
			until = "until one answers or --duration ends: press Ctrl-C to stop sooner"
		}
		log.Warn("no destination could be reached yet; onair keeps retrying each one (1 s, 2 s, 4 s … up to 30 s apart) " + until)
	}
	var rec *record.Recording
	if *recordPath != "" {
		if rec, err = startProgramRecording(b.ProgramHub(), *recordPath, log); err != nil {
			b.Stop()
			_ = b.Wait()
			return fail(stderr, secrets, err)
		}
	}
	stopCycle := cycle.start(b, log)
	defer stopCycle()
	stopProgress := startProgress(stderr, b, secrets)
	stopSignal := reconnectOnSignal(b, log)
	select {
	case <-ctx.Done():
		b.Stop()
	case <-b.Done():
	}
	err = b.Wait()
	var recErr error
	if rec != nil {
		recErr = rec.Stop() // a failure was logged when it happened; the broadcast went on
	}
	stopSignal()
	stopProgress()
	s := b.Stats()
	attrs := []any{"frames", s.FramesEncoded, "dropped", s.FramesDropped, "missed", s.FramesMissed,
		"media", s.Elapsed.Round(time.Millisecond), "video_bytes", s.VideoBytes, "audio_bytes", s.AudioBytes}
	for i, d := range s.Destinations {
		attrs = append(attrs, slog.Group(fmt.Sprintf("dest%d", i+1), "name", d.Name, "state", d.State,
			"kbps", int(d.Bitrate/1000), "bytes_sent", d.BytesSent, "dropped", d.Dropped,
			"reconnects", d.Reconnects, "last_error", d.LastError))
	}
	if rec != nil { // the last line says where the file is
		path, aerr := filepath.Abs(rec.Path())
		if aerr != nil {
			path = rec.Path()
		}
		attrs = append(attrs, "recording", path)
		if recErr != nil {
			attrs = append(attrs, "recording_error", recErr.Error())
		}
	}
	log.Info("broadcast ended", attrs...)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	return 0
}

// registerURLSecrets marks the last path segment and every query value of a
// destination URL as secret: that is where platforms put the stream key.
func registerURLSecrets(s *store.Secrets, raw string) {
	path, query, _ := strings.Cut(raw, "?")
	if i := strings.LastIndex(path, "/"); i >= 0 && strings.Count(path, "/") > 3 {
		s.Add(path[i+1:])
	}
	for _, kv := range strings.Split(query, "&") {
		if _, v, ok := strings.Cut(kv, "="); ok {
			s.Add(v)
		}
	}
}

// startProgress prints one status line per second when stderr is a terminal.
func startProgress(w io.Writer, b *app.Broadcast, secrets *store.Secrets) (stop func()) {
	f, ok := w.(*os.File)
	if !ok {
		return func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		prev := b.Stats()
		for {
			select {
			case <-done:
				fmt.Fprintln(w)
				return
			case <-t.C:
				cur := b.Stats()
				fmt.Fprintf(w, "\r%s", secrets.Redact(progressLine(prev, cur)))
				prev = cur
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// progressLine formats fps, bitrate, drops and elapsed time over the
// interval between two snapshots, then each destination's state, bitrate,
// bytes sent, dropped packets, reconnects and last error.
func progressLine(prev, cur app.BroadcastStats) string {
	dt := (cur.Running - prev.Running).Seconds()
	if dt <= 0 {
		dt = 1
	}
	fps := float64(cur.FramesEncoded-prev.FramesEncoded) / dt
	kbps := float64((cur.VideoBytes+cur.AudioBytes)-(prev.VideoBytes+prev.AudioBytes)) * 8 / 1000 / dt
	var sb strings.Builder
	e := cur.Elapsed.Truncate(time.Second)
	fmt.Fprintf(&sb, "fps=%.1f bitrate=%.0fkb/s dropped=%d elapsed=%02d:%02d:%02d",
		fps, kbps, cur.FramesDropped+cur.FramesMissed, int(e.Hours()), int(e.Minutes())%60, int(e.Seconds())%60)
	for _, d := range cur.Destinations {
		fmt.Fprintf(&sb, " | %s %s %.0fkb/s sent=%s drop=%d reconn=%d", d.Name, d.State, d.Bitrate/1000,
			formatBytes(d.BytesSent), d.Dropped, d.Reconnects)
		if d.LastError != "" {
			fmt.Fprintf(&sb, " err=%q", d.LastError)
		}
	}
	return sb.String() + "\x1b[K"
}

// formatBytes renders a byte count with a binary unit, e.g. 12.3MiB.
func formatBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f%ciB", v, "KMGT"[i])
}
