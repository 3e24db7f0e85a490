//go:build interop

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// servedServer is `onair serve` running on a free loopback port.
type servedServer struct {
	cmd    *exec.Cmd
	addr   string
	stdout *testpeer.SyncBuffer
	stderr *testpeer.SyncBuffer
}

// startServe starts `onair serve` and waits until it accepts connections.
func startServe(t *testing.T, args ...string) *servedServer {
	t.Helper()
	s := &servedServer{addr: fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t)),
		stdout: &testpeer.SyncBuffer{}, stderr: &testpeer.SyncBuffer{}}
	if !slices.ContainsFunc(args, func(a string) bool { return a == "--http" || strings.HasPrefix(a, "--http=") }) {
		// The web side's default port is the RTMP port + 1, which another
		// program (an outgoing connection's ephemeral port, another test
		// run) may hold: give it a free one of its own.
		args = append([]string{"--http", fmt.Sprintf("127.0.0.1:%d", testpeer.FreePort(t))}, args...)
	}
	s.cmd = exec.Command(onairBin, append([]string{"serve", "--listen", s.addr}, args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting onair serve: %v", err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	})
	if err := testpeer.WaitListening(s.addr, 10*time.Second, nil); err != nil {
		t.Fatalf("onair serve: %v\n%s", err, s.stderr)
	}
	return s
}

func (s *servedServer) url(name string) string { return "rtmp://" + s.addr + "/live/" + name }

// bgCommand is a peer process running in the background.
type bgCommand struct {
	cmd  *exec.Cmd
	out  *testpeer.SyncBuffer
	done chan error
}

func startBG(t testing.TB, name string, args ...string) *bgCommand {
	t.Helper()
	testpeer.Require(t, name)
	b := &bgCommand{cmd: exec.Command(name, args...), out: &testpeer.SyncBuffer{}, done: make(chan error, 1)}
	b.cmd.Stdout, b.cmd.Stderr = b.out, b.out
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() { b.done <- b.cmd.Wait() }()
	t.Cleanup(func() {
		b.cmd.Process.Kill()
		<-b.done
		b.done <- nil
	})
	return b
}

// wait waits for the process to end by itself within timeout.
func (b *bgCommand) wait(t testing.TB, what string, timeout time.Duration) {
	t.Helper()
	select {
	case err := <-b.done:
		b.done <- err
		if err != nil {
			t.Errorf("%s: %v\n%s", what, err, b.out)
		}
	case <-time.After(timeout):
		b.cmd.Process.Kill()
		t.Errorf("%s did not end within %s\n%s", what, timeout, b.out)
	}
}

// publishers of the interop test: each sends 8 s of live test video and a
// tone as H.264/AAC.
var servePublishers = []struct {
	name string
	cmd  func(url string) []string
}{
	{"ffmpeg", func(url string) []string {
		return []string{"ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
			"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
			"-t", "8", "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-b:v", "1000k", "-pix_fmt", "yuv420p",
			"-c:a", "aac", "-b:a", "128k", "-f", "flv", url}
	}},
	{"gstreamer", func(url string) []string {
		return []string{"gst-launch-1.0", "-q", "-e",
			"videotestsrc", "is-live=true", "num-buffers=240", "!", "video/x-raw,width=640,height=360,framerate=30/1", "!",
			"x264enc", "speed-preset=veryfast", "bitrate=1000", "key-int-max=60", "!", "h264parse", "!", "queue", "!",
			"flvmux", "name=m", "streamable=true", "!", "rtmp2sink", "location=" + url,
			"audiotestsrc", "is-live=true", "num-buffers=375", "samplesperbuffer=1024", "!", "audio/x-raw,rate=48000,channels=2", "!",
			"audioconvert", "!", "avenc_aac", "!", "aacparse", "!", "queue", "!", "m."}
	}},
	{"onair", func(url string) []string {
		return []string{onairBin, "publish", "--video", "test", "--audio", "test", "--size", "640x360",
			"--video-bitrate", "1000k", "--to", url, "--duration", "8s"}
	}},
}

// TestInteropServe is acceptance 1 of the local-server issue: ffmpeg,
// GStreamer and onair publish into `onair serve`; ffmpeg -c copy,
// rtmpdump, ffprobe and GStreamer play the stream back.
func TestInteropServe(t *testing.T) {
	srv := startServe(t)
	for _, pub := range servePublishers {
		t.Run(pub.name, func(t *testing.T) {
			dir := t.TempDir()
			name := "from-" + pub.name
			url := srv.url(name)
			// These two wait for the name to be published.
			rec := testpeer.Record(t, url, filepath.Join(dir, "copy.flv"))
			dump := startBG(t, "rtmpdump", "-q", "-v", "-r", url, "-o", filepath.Join(dir, "rtmpdump.flv"))
			time.Sleep(300 * time.Millisecond)
			args := pub.cmd(url)
			publisher := startBG(t, args[0], args[1:]...)
			time.Sleep(2 * time.Second)

			// While live: ffprobe and a GStreamer player that decodes 60 frames.
			p := testpeer.FFprobe(t, url)
			if v, ok := p.Stream("video"); !ok || v.CodecName != "h264" || v.Width != 640 || v.Height != 360 {
				t.Errorf("ffprobe of the live stream: video %+v", v)
			}
			if a, ok := p.Stream("audio"); !ok || a.CodecName != "aac" {
				t.Errorf("ffprobe of the live stream: audio %+v", a)
			}
			gst := startBG(t, "gst-launch-1.0", "-q", "rtmp2src", "location="+url, "!", "flvdemux", "name=d",
				"d.video", "!", "h264parse", "!", "avdec_h264", "!", "fakesink", "num-buffers=60")
			gst.wait(t, "GStreamer rtmp2src player", 15*time.Second)

			publisher.wait(t, pub.name+" publisher", 30*time.Second)
			if err := rec.Wait(10 * time.Second); err != nil {
				t.Errorf("ffmpeg -c copy ended with %v: %s", err, rec.Log())
			}
			dump.wait(t, "rtmpdump", 10*time.Second)

			got := testpeer.FFprobe(t, rec.Path)
			if v, ok := got.Stream("video"); !ok || v.CodecName != "h264" || v.Width != 640 {
				t.Errorf("recorded video %+v", v)
			}
			if a, ok := got.Stream("audio"); !ok || a.CodecName != "aac" {
				t.Errorf("recorded audio %+v", a)
			}
			if d := got.Duration(); math.Abs(d-8) > 0.5 {
				t.Errorf("recorded duration %.3f s, want 8 ± 0.5 s", d)
			}
			// GStreamer's live flvmux writes jittery DTS (it does so in a
			// file of its own too), which ffmpeg's muxing step rejects; its
			// stream is checked frame by frame with ffprobe instead.
			decode := testpeer.DecodeErrors
			if pub.name == "gstreamer" {
				decode = testpeer.FrameDecodeErrors
			}
			if errs := decode(t, rec.Path); strings.TrimSpace(errs) != "" {
				t.Errorf("decoding the ffmpeg -c copy recording printed:\n%s", errs)
			}
			d := testpeer.FFprobe(t, filepath.Join(dir, "rtmpdump.flv"))
			if v, ok := d.Stream("video"); !ok || v.CodecName != "h264" {
				t.Errorf("rtmpdump's file: %+v", d)
			}
			if dd := d.Duration(); dd < 7 {
				t.Errorf("rtmpdump's file lasts %.3f s, want about 8", dd)
			}
		})
	}
	if t.Failed() {
		t.Logf("onair serve log:\n%s", srv.stderr)
	}
}

// ffmpegLive publishes live 720p30 test video with a 2 s GOP for secs.
func ffmpegLive(t *testing.T, url string, secs int, extra ...string) *bgCommand {
	t.Helper()
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-re",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
		"-t", strconv.Itoa(secs), "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-keyint_min", "60",
		"-sc_threshold", "0", "-b:v", "2500k", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k"}
	args = append(append(args, extra...), "-f", "flv", url)
	return startBG(t, "ffmpeg", args...)
}

// waitLive waits until the server reports name as live with video.
func waitLive(t testing.TB, url string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		p, err := rtmp.DialPlay(ctx, url, rtmp.PlayerOptions{Timeout: 3 * time.Second})
		cancel()
		if err == nil {
			_ = p.SetReadDeadline(time.Now().Add(3 * time.Second))
			for range 50 {
				pkt, err := p.ReadPacket()
				if err != nil {
					break
				}
				if pkt.Kind == media.KindVideo && !pkt.Header {
					p.Close()
					return
				}
			}
			p.Close()
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never went live", url)
}

// TestInteropServeLateJoiner is acceptance 2: a player joining 5 s into a
// stream with a 2 s GOP gets a keyframe first, within 300 ms of play.
func TestInteropServeLateJoiner(t *testing.T) {
	srv := startServe(t)
	url := srv.url("late")
	ffmpegLive(t, url, 15)
	waitLive(t, url)
	time.Sleep(5 * time.Second)
	for i := range 3 {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		p, err := rtmp.DialPlay(ctx, url, rtmp.PlayerOptions{})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		_ = p.SetReadDeadline(time.Now().Add(5 * time.Second))
		var sawMeta, sawVH, sawAH bool
		for {
			pkt, err := p.ReadPacket()
			if err != nil {
				t.Fatalf("join %d: %v", i, err)
			}
			switch {
			case pkt.Kind == media.KindData:
				sawMeta = true
				continue
			case pkt.Header && pkt.Kind == media.KindVideo:
				sawVH = true
				continue
			case pkt.Header:
				sawAH = true
				continue
			case pkt.Kind == media.KindAudio:
				continue
			}
			took := time.Since(start)
			t.Logf("join %d: first video frame after %s (keyframe=%v, metadata=%v, headers=%v/%v)", i, took.Round(time.Millisecond), pkt.Key, sawMeta, sawVH, sawAH)
			if !pkt.Key || !sawVH || !sawAH || !sawMeta {
				t.Errorf("join %d: first video frame keyframe=%v after metadata=%v and headers=%v/%v; want all", i, pkt.Key, sawMeta, sawVH, sawAH)
			}
			if took > 300*time.Millisecond {
				t.Errorf("join %d: first video frame after %s, want within 300 ms", i, took)
			}
			break
		}
		p.Close()
		time.Sleep(700 * time.Millisecond) // join at another point of the GOP
	}
}

// TestInteropServeShutdown is acceptance 8: SIGINT and SIGTERM stop
// `onair serve` within 1 s while a publisher and a player are live, and the
// player gets EOF.
func TestInteropServeShutdown(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			srv := startServe(t)
			url := srv.url("bye")
			ffmpegLive(t, url, 30)
			waitLive(t, url)
			p, err := rtmp.DialPlay(context.Background(), url, rtmp.PlayerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			chEOF := make(chan error, 1)
			go func() {
				_ = p.SetReadDeadline(time.Now().Add(10 * time.Second))
				for {
					if _, err := p.ReadPacket(); err != nil {
						chEOF <- err
						return
					}
				}
			}()
			start := time.Now()
			srv.cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- srv.cmd.Wait() }()
			select {
			case err := <-done:
				if took := time.Since(start); took > time.Second {
					t.Errorf("stopping took %s, want within 1 s", took)
				}
				if err != nil {
					t.Errorf("onair serve exited with %v:\n%s", err, srv.stderr)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("onair serve did not stop within 5 s of %s", sig)
			}
			select {
			case err := <-chEOF:
				if err != io.EOF {
					t.Errorf("player: %v, want EOF", err)
				}
			case <-time.After(3 * time.Second):
				t.Error("the player did not see the end of the stream")
			}
		})
	}
}

// TestInteropServeKeys is acceptance 7 end to end: `onair serve
// --generate-key` prints publish URLs in both forms once; ffmpeg publishes
// with either form, is refused without the key or with a wrong one, and the
// key appears in no log line even at debug level.
func TestInteropServeKeys(t *testing.T) {
	srv := startServe(t, "--generate-key", "--log-level", "debug")
	var queryURL, cameraURL string
	deadline := time.Now().Add(5 * time.Second)
	for queryURL == "" && time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(srv.stdout.String()))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 0 {
				continue
			}
			switch {
			case strings.Contains(f[0], "?key="):
				queryURL = f[0]
			case strings.HasPrefix(f[0], "rtmp://") && strings.Contains(f[0], "/live/NAME_"):
				cameraURL = f[0]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if queryURL == "" || cameraURL == "" {
		t.Fatalf("publish URLs not printed:\n%s", srv.stdout)
	}
	key := queryURL[strings.Index(queryURL, "?key=")+5:]
	if len(key) < 22 {
		t.Fatalf("generated key %d characters, want at least 128 bits", len(key))
	}
	publish := func(url string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
			"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast",
			"-f", "flv", url).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	if err := publish(strings.Replace(queryURL, "NAME", "q", 1)); err != nil {
		t.Errorf("publishing with ?key=: %v", err)
	}
	if err := publish(strings.Replace(cameraURL, "NAME", "cam", 1)); err != nil {
		t.Errorf("publishing with the key in the name: %v", err)
	}
	if err := publish(srv.url("nokey")); err == nil {
		t.Error("publishing without a key succeeded")
	}
	if err := publish(srv.url("wrong?key=" + strings.Repeat("Z", len(key)))); err == nil {
		t.Error("publishing with a wrong key succeeded")
	}
	if strings.Contains(srv.stderr.String(), key) {
		t.Errorf("the key appears in the server log:\n%s", srv.stderr)
	}
	if !strings.Contains(srv.stderr.String(), "level=DEBUG") {
		t.Errorf("no debug line was logged, so the check proves nothing")
	}
	if strings.Count(srv.stdout.String(), key) != 2 {
		t.Errorf("the key should be printed exactly once in each of the two URL forms:\n%s", srv.stdout)
	}
}
