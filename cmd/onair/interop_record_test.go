//go:build interop

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
)

// pushFor pushes clip to url in real time, looped, for secs seconds of
// media (0: until killed), without re-encoding.
func pushFor(t *testing.T, clip, url string, secs int) *bgCommand {
	t.Helper()
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1", "-i", clip}
	if secs > 0 {
		args = append(args, "-t", strconv.Itoa(secs))
	}
	return startBG(t, "ffmpeg", append(args, "-c", "copy", "-f", "flv", url)...)
}

// waitLog waits until stderr holds want n times.
func waitLog(t *testing.T, srv *servedServer, want string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for strings.Count(srv.stderr.String(), want) < n {
		if time.Now().After(deadline) {
			t.Fatalf("onair serve did not log %q %d times within %s:\n%s", want, n, timeout, srv.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// recordings lists the files in dir whose name starts with prefix.
func recordings(t *testing.T, dir, prefix string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, prefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	return m
}

// checkRecorded requires H.264 640x360 and AAC lasting want ± tol that
// FFmpeg decodes without an error, and returns the duration.
func checkRecorded(t *testing.T, path string, want, tol float64) float64 {
	t.Helper()
	p := testpeer.FFprobe(t, path)
	v, okV := p.Stream("video")
	a, okA := p.Stream("audio")
	if !okV || !okA || v.CodecName != "h264" || a.CodecName != "aac" || v.Width != 640 || v.Height != 360 {
		t.Errorf("%s: streams %+v; want h264 640x360 and aac", filepath.Base(path), p.Streams)
	}
	d := p.Duration()
	if d < want-tol || d > want+tol {
		t.Errorf("%s: ffprobe duration %.3f s; want %.1f ± %.1f", filepath.Base(path), d, want, tol)
	}
	if e := testpeer.DecodeErrors(t, path); e != "" {
		t.Errorf("%s: decoding reported errors:\n%s", filepath.Base(path), e)
	}
	return d
}

// TestInteropServeRecord is acceptance 4 (the 60 s part) through onair
// serve --record: ffmpeg pushes 60 s of live/cam1 while live/cam2 is
// published twice for 6 s; each publish session becomes one file named by
// stream and date, and cam1's file lasts 60 ± 0.5 s and decodes cleanly.
func TestInteropServeRecord(t *testing.T) {
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 10, VideoBitrate: "1000k"})
	dir := filepath.Join(t.TempDir(), "rec")
	srv := startServe(t, "--record", dir)
	cam1 := pushFor(t, clip, srv.url("cam1"), 60)
	time.Sleep(5 * time.Second)
	for i := range 2 {
		cam2 := pushFor(t, clip, srv.url("cam2"), 6)
		cam2.wait(t, "pushing cam2 session "+strconv.Itoa(i+1), 20*time.Second)
		waitLog(t, srv, "recording saved", i+1, 10*time.Second)
	}
	cam1.wait(t, "pushing cam1", 90*time.Second)
	waitLog(t, srv, "recording saved", 3, 10*time.Second)

	one, two := recordings(t, dir, "live-cam1-"), recordings(t, dir, "live-cam2-")
	if len(one) != 1 || len(two) != 2 {
		t.Fatalf("recordings %v and %v; want one file for cam1 and two for cam2\n%s", one, two, srv.stderr)
	}
	name := filepath.Base(one[0])
	if _, err := time.Parse("live-cam1-2006-01-02_15-04-05.mp4", name); err != nil {
		t.Errorf("file name %q is not live-cam1-DATE.mp4: %v", name, err)
	}
	d := checkRecorded(t, one[0], 60, 0.5)
	t.Logf("60 s pushed; %s plays %.3f s", name, d)
	for _, f := range two {
		checkRecorded(t, f, 6, 0.5)
	}
	if n := strings.Count(srv.stderr.String(), "recording stopped"); n != 0 {
		t.Errorf("a recording stopped with an error:\n%s", srv.stderr)
	}
}

// TestInteropServeRecordSIGKILL is acceptance 4 (crash): onair serve
// --record is killed with SIGKILL 12 s into a stream; the file plays up to
// the last few seconds and decodes without errors to its end.
func TestInteropServeRecordSIGKILL(t *testing.T) {
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 10, VideoBitrate: "1000k"})
	dir := filepath.Join(t.TempDir(), "rec")
	srv := startServe(t, "--record", dir)
	start := time.Now()
	pushFor(t, clip, srv.url("crash"), 0)
	waitLog(t, srv, "recording started", 1, 15*time.Second)
	time.Sleep(12*time.Second - time.Since(start))
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// What was pushed: ffmpeg -re sends at the clip's rate, and ffmpeg 6.1
	// and later (Debian 13's) first send a burst of up to 0.5 s
	// (-readrate_initial_burst); a file's duration also counts its last
	// frame's.
	pushed := time.Since(start).Seconds()
	const burst = 0.6
	srv.cmd.Wait()
	files := recordings(t, dir, "live-crash-")
	if len(files) != 1 {
		t.Fatalf("recordings %v; want one", files)
	}
	p := testpeer.FFprobe(t, files[0])
	d := p.Duration()
	t.Logf("killed %.1f s after the push started; the file plays %.3f s", pushed, d)
	if d < pushed-3 || d > pushed+burst {
		t.Errorf("the killed recording lasts %.3f s; want %.1f to %.1f (pushed %.1f s, less 3, or plus ffmpeg's first burst)", d, pushed-3, pushed+burst, pushed)
	}
	if e := testpeer.DecodeErrors(t, files[0]); e != "" {
		t.Errorf("decoding the killed recording reported errors:\n%s", e)
	}
	vpts, _ := testpeer.PacketTimes(t, files[0], "v")
	if len(vpts) == 0 || vpts[len(vpts)-1] < d-1 {
		t.Errorf("the video stops before the end of the file (%d packets, duration %.3f)", len(vpts), d)
	}
}

// TestInteropServeRecordDiskFull is acceptance 6: onair serve --record
// into a 1 MiB tmpfs. The recording stops with one clear sentence once the
// file system is full, while the publisher and a player go on unaffected.
func TestInteropServeRecordDiskFull(t *testing.T) {
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 10, VideoBitrate: "1000k"})
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mounting a 1 MiB tmpfs to fill up needs root (CAP_SYS_ADMIN): %v %s; "+
			"encode's TestRecorderDiskFullIsAnError and app's TestRecordingDiskFull cover the same failure", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	srv := startServe(t, "--record", dir)
	url := srv.url("full")
	push := pushFor(t, clip, url, 0)
	start := time.Now()
	waitLive(t, url)
	player := testpeer.Record(t, url, filepath.Join(t.TempDir(), "player.flv"))
	waitLog(t, srv, "recording stopped: the disk is full", 1, 30*time.Second)
	full := time.Since(start)
	time.Sleep(5 * time.Second)
	select {
	case err := <-push.done:
		push.done <- err
		t.Fatalf("the publisher ended when the disk filled up: %v\n%s", err, push.out)
	default:
	}
	if srv.cmd.ProcessState != nil {
		t.Fatalf("onair serve exited")
	}
	total := time.Since(start)
	push.cmd.Process.Kill()
	err := <-push.done
	push.done <- err
	if err := player.Wait(10 * time.Second); err != nil {
		t.Logf("player: %v\n%s", err, player.Log())
	}
	logs := srv.stderr.String()
	if n := strings.Count(logs, "recording stopped"); n != 1 {
		t.Errorf("%q logged %d times; want once:\n%s", "recording stopped", n, logs)
	}
	var line string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "recording stopped") {
			line = l
		}
	}
	files := recordings(t, dir, "live-full-")
	if len(files) != 1 || !strings.Contains(line, `msg="recording stopped: the disk is full (`+files[0]+`)"`) {
		t.Errorf("files %v; the log line %q does not name the file in one sentence", files, line)
	}
	pts, _ := testpeer.PacketTimes(t, player.Path, "v")
	if len(pts) == 0 {
		t.Fatalf("the player recorded nothing:\n%s", player.Log())
	}
	var gap float64
	for i := 1; i < len(pts); i++ {
		gap = max(gap, pts[i]-pts[i-1])
	}
	played := pts[len(pts)-1] - pts[0]
	t.Logf("disk full %.1f s in; the player got %.1f s of video in a %.1f s push, longest gap %.0f ms",
		full.Seconds(), played, total.Seconds(), gap*1000)
	if played < total.Seconds()-3 || gap > 0.5 {
		t.Errorf("the player got %.1f s of a %.1f s push with a gap of %.0f ms; the stream must go on",
			played, total.Seconds(), gap*1000)
	}
	if fi, err := os.Stat(files[0]); err == nil && fi.Size() < 512<<10 {
		t.Errorf("the recording stopped at %d bytes, before the 1 MiB file system was full", fi.Size())
	}
}

// TestInteropServeRecordFaststart checks --record-faststart: once the
// session ends, its file is a regular MP4 with the index first.
func TestInteropServeRecordFaststart(t *testing.T) {
	clip := testpeer.EncodeClip(t, testpeer.Clip{Size: "640x360", Seconds: 10, VideoBitrate: "1000k"})
	dir := filepath.Join(t.TempDir(), "rec")
	srv := startServe(t, "--record", dir, "--record-faststart")
	pushFor(t, clip, srv.url("fast"), 5).wait(t, "pushing", 20*time.Second)
	waitLog(t, srv, "recording saved", 1, 20*time.Second)
	files := recordings(t, dir, "live-fast-")
	if len(files) != 1 {
		t.Fatalf("recordings %v; want one", files)
	}
	checkRecorded(t, files[0], 5, 0.5)
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var boxes []string
	for len(b) >= 8 && len(boxes) < 100 {
		n := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		boxes = append(boxes, string(b[4:8]))
		if n < 8 || n > len(b) {
			break
		}
		b = b[n:]
	}
	if len(boxes) < 3 || boxes[1] != "moov" || !slices.Contains(boxes, "mdat") || slices.Contains(boxes, "moof") {
		t.Errorf("top-level boxes %v; want ftyp, moov, then mdat and no fragments", boxes)
	}
}

// TestInteropPublishRecordWhileFlapping is the first half of acceptance 4
// of the multistream issue: `onair publish --record` records 60 s of the
// program while one of its two destinations is killed and restarted twice;
// the file plays whole (60 ± 0.5 s, no decode errors) and the steady
// destination has no gap.
func TestInteropPublishRecordWhileFlapping(t *testing.T) {
	flap := testpeer.StartNginx(t, testpeer.NginxOptions{})
	steady := startServe(t)
	dir := t.TempDir()
	steadyRec := testpeer.Record(t, steady.url("steady"), filepath.Join(dir, "steady.flv"))
	path := filepath.Join(dir, "program.mp4")
	cmd, stderr := startOnair(t, "publish", "--video", "test", "--audio", "test", "--size", "640x360",
		"--preset", "ultrafast", "--video-bitrate", "800k", "--duration", "60s", "--record", path,
		"--to", flap.URL("flapping"), "--to", steady.url("steady"))
	for range 2 { // down at 15–20 s and 35–40 s
		time.Sleep(15 * time.Second)
		flap.Kill()
		time.Sleep(5 * time.Second)
		flap.Restart()
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("onair publish: %v\n%s", err, stderr)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("onair publish did not end after its 60 s\n%s", stderr)
	}
	if !strings.Contains(stderr.String(), "destination lost") {
		t.Errorf("the flapping destination was never lost:\n%s", stderr)
	}
	got := checkRecorded(t, path, 60, 0.5)
	t.Logf("recorded %.3f s while a destination flapped twice", got)
	if err := steadyRec.Wait(15 * time.Second); err != nil {
		t.Errorf("steady recorder: %v", err)
	}
	checkNoGap(t, "steady destination", filepath.Join(dir, "steady.flv"), 55)
}
