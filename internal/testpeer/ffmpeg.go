package testpeer

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Recorder is `ffmpeg -i URL -c copy OUT` running in the background.
type Recorder struct {
	Path   string
	cmd    *exec.Cmd
	stderr *SyncBuffer
	done   chan error
}

// Record starts ffmpeg reading url and copying it into path (format from the
// extension). It plays a name that may not be published yet: nginx-rtmp
// keeps such players waiting, and (with publish_notify on, as StartNginx
// sets it) tells them when the publisher leaves, so ffmpeg ends by itself
// and finalises the file.
func Record(t testing.TB, url, path string) *Recorder {
	t.Helper()
	Require(t, "ffmpeg")
	r := &Recorder{Path: path, stderr: &SyncBuffer{}, done: make(chan error, 1)}
	r.cmd = exec.Command("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-y",
		"-i", url, "-c", "copy", path)
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("starting ffmpeg recorder: %v", err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() { r.Stop(2 * time.Second) })
	return r
}

// Wait waits up to timeout for ffmpeg to end by itself (the stream ended),
// then asks it to stop (SIGINT finalises the file) and finally kills it.
func (r *Recorder) Wait(timeout time.Duration) error {
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(timeout):
	}
	return r.Stop(3 * time.Second)
}

// Stop interrupts ffmpeg and waits for it; safe to call more than once.
// ffmpeg only breaks out of a blocking network read on the second SIGINT
// (the first just asks it to finish), and it finalises the file either way.
func (r *Recorder) Stop(grace time.Duration) error {
	select {
	case err := <-r.done:
		r.done <- err
		return err
	default:
	}
	r.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(300 * time.Millisecond):
		r.cmd.Process.Signal(syscall.SIGINT)
	}
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(grace):
		r.cmd.Process.Kill()
		err := <-r.done
		r.done <- err
		return err
	}
}

// Log returns what ffmpeg wrote to stderr.
func (r *Recorder) Log() string { return r.stderr.String() }

// Probe is the subset of `ffprobe -show_format -show_streams` the tests use.
type Probe struct {
	Streams []ProbeStream `json:"streams"`
	Format  struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// ProbeStream is one stream in a Probe.
type ProbeStream struct {
	CodecType     string `json:"codec_type"`
	CodecName     string `json:"codec_name"`
	CodecTag      string `json:"codec_tag_string"`
	Profile       string `json:"profile"`
	Width         int    `json:"width"`
	Height        int    `json:"height"`
	PixFmt        string `json:"pix_fmt"`
	RFrameRate    string `json:"r_frame_rate"`
	AvgFrameRate  string `json:"avg_frame_rate"`
	SampleRate    string `json:"sample_rate"`
	Channels      int    `json:"channels"`
	ChannelLayout string `json:"channel_layout"`
	ColorSpace    string `json:"color_space"`
}

// Stream returns the first stream of codec type kind ("video" or "audio").
func (p *Probe) Stream(kind string) (ProbeStream, bool) {
	for _, s := range p.Streams {
		if s.CodecType == kind {
			return s, true
		}
	}
	return ProbeStream{}, false
}

// HasCodecs reports whether p has a video stream in video and an audio
// stream in audio (codec names as ffprobe gives them: "h264", "aac").
func (p *Probe) HasCodecs(video, audio string) bool {
	v, okv := p.Stream("video")
	a, oka := p.Stream("audio")
	return okv && oka && v.CodecName == video && a.CodecName == audio
}

// Duration returns the container duration in seconds.
func (p *Probe) Duration() float64 {
	d, _ := strconv.ParseFloat(p.Format.Duration, 64)
	return d
}

// FFprobe runs ffprobe on a file or URL.
func FFprobe(t testing.TB, input string) Probe {
	t.Helper()
	Require(t, "ffprobe")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-show_format", "-show_streams",
		"-of", "json", input).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v %s", input, err, exitStderr(err))
	}
	var p Probe
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("ffprobe output: %v", err)
	}
	return p
}

// PacketTimes lists (pts seconds, keyframe) of every packet of one stream
// kind ("v" or "a") in a file, in file order.
func PacketTimes(t testing.TB, input, kind string) (pts []float64, key []bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", kind,
		"-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", input).Output()
	if err != nil {
		t.Fatalf("ffprobe packets of %s: %v %s", input, err, exitStderr(err))
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue
		}
		pts = append(pts, v)
		key = append(key, strings.Contains(f[1], "K"))
	}
	return pts, key
}

// DecodeErrors decodes input fully and returns what ffmpeg printed at level
// error, but for the null sink's own complaints about the timestamps it is
// handed ("non monotonically increasing dts to muxer"): those are about
// the CLI's output, not the stream's decoding (seen at 1080p60 on a loaded
// machine from a stream whose every packet time was on the frame grid).
// Tests that care about a stream's timestamps check them with PacketDTS
// and PacketTimes.
func DecodeErrors(t testing.TB, input string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
		"-i", input, "-f", "null", "-").CombinedOutput()
	if err != nil && len(out) == 0 {
		return fmt.Sprintf("ffmpeg failed: %v", err)
	}
	var kept []string
	for _, line := range strings.SplitAfter(string(out), "\n") {
		if !strings.Contains(line, "non monotonically increasing dts to muxer") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "")
}

// PacketDTS returns the decode times (seconds) of input's packets of kind
// ("v" or "a"), in file order.
func PacketDTS(t testing.TB, input, kind string) []float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", kind,
		"-show_entries", "packet=dts_time", "-of", "csv=p=0", input).Output()
	if err != nil {
		t.Fatalf("ffprobe packet DTS of %s: %v %s", input, err, exitStderr(err))
	}
	var dts []float64
	for _, line := range strings.Fields(string(out)) {
		if v, err := strconv.ParseFloat(strings.TrimSuffix(line, ","), 64); err == nil {
			dts = append(dts, v)
		}
	}
	return dts
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// FrameDecodeErrors decodes every frame of input with ffprobe and returns
// what it printed at level error. Unlike DecodeErrors it does not run
// ffmpeg's muxing step, which also complains about jittery timestamps that
// some live encoders (GStreamer's flvmux) produce even in their own files.
func FrameDecodeErrors(t testing.TB, input string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-count_frames",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", input).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("ffprobe failed: %v: %s", err, out)
	}
	var errs []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if _, err := strconv.Atoi(strings.TrimSpace(l)); err != nil && strings.TrimSpace(l) != "" {
			errs = append(errs, l)
		}
	}
	return strings.Join(errs, "\n")
}
