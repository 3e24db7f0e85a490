package rtmp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
)

const nginxRTMPModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so"

// requireTool fails (never skips) when a real peer is not installed.
func requireTool(t *testing.T, name, install string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s not found: install %s: %s", name, name, install)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// dialWhenUp retries Dial while the server is still starting (connection
// refused). It never probes the port otherwise: ffmpeg -listen accepts
// exactly one connection.
func dialWhenUp(t *testing.T, tg Target, opt PublisherOptions) (*Publisher, error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := Dial(context.Background(), tg, opt)
		if err == nil || !errors.Is(err, syscall.ECONNREFUSED) || time.Now().After(deadline) {
			return p, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type probeStream struct {
	CodecName  string `json:"codec_name"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	SampleRate string `json:"sample_rate"`
	Channels   int    `json:"channels"`
	Packets    string `json:"nb_read_packets"`
}

// probeFLV checks a received FLV with ffprobe: H.264 320x240 with all 60
// frames, AAC 48 kHz stereo.
func probeFLV(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_packets", "-show_entries",
		"stream=codec_name,width,height,sample_rate,channels,nb_read_packets", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var res struct{ Streams []probeStream }
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	var v, a bool
	for _, s := range res.Streams {
		switch s.CodecName {
		case "h264":
			v = s.Width == 320 && s.Height == 240 && s.Packets == "60"
		case "aac":
			a = s.SampleRate == "48000" && s.Channels == 2 && s.Packets != "0"
		}
	}
	if !v || !a {
		t.Fatalf("received stream is wrong: %s", out)
	}
}

func TestPublisherToFFmpeg(t *testing.T) {
	requireTool(t, "ffmpeg", "apt-get install ffmpeg")
	requireTool(t, "ffprobe", "apt-get install ffmpeg")
	rtmptest.CheckGoroutines(t)
	port := freePort(t)
	out := filepath.Join(t.TempDir(), "out.flv")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "ffmpeg", "-hide_banner", "-loglevel", "error", "-listen", "1", "-f", "flv",
		"-i", fmt.Sprintf("rtmp://127.0.0.1:%d/live/%s", port, testKey), "-c", "copy", "-f", "flv", out)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cancel()
		<-exited
	}()

	log, logs := rtmptest.DebugLogger()
	tg := mustTarget(t, fmt.Sprintf("rtmp://127.0.0.1:%d/live", port), testKey)
	p, err := dialWhenUp(t, tg, PublisherOptions{Log: log})
	if err != nil {
		t.Fatalf("%v\nffmpeg: %s", err, stderr.String())
	}
	rtmptest.PublishSample(t, p)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Fatalf("ffmpeg: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("ffmpeg did not finish\n%s", stderr.String())
	}
	probeFLV(t, out)
	assertNoSecrets(t, tg, logs.String())
}

// startNginx runs nginx-rtmp in the foreground with an app "live" that
// records to dir and an app "deny" that refuses publishing.
func startNginx(t *testing.T, dir string, port int) (stop func()) {
	t.Helper()
	requireTool(t, "nginx", "apt-get install nginx libnginx-mod-rtmp")
	if _, err := os.Stat(nginxRTMPModule); err != nil {
		t.Fatalf("nginx RTMP module missing: install it: apt-get install libnginx-mod-rtmp")
	}
	conf := fmt.Sprintf(`load_module %s;
daemon off;
master_process off;
error_log %s/error.log info;
pid %s/nginx.pid;
events { worker_connections 64; }
rtmp {
    server {
        listen 127.0.0.1:%d;
        chunk_size 4096;
        ping 2s;
        ack_window 65536;
        application live {
            live on;
            record all;
            record_path %s;
        }
        application deny {
            live on;
            deny publish all;
        }
    }
}
`, nginxRTMPModule, dir, dir, port, dir)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("nginx", "-e", "stderr", "-p", dir, "-c", confPath)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGQUIT) // graceful: finalizes recordings
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx stderr: %s\nerror.log: %s", stderr.String(), log)
		}
	})
	return stop
}

func TestPublisherToNginxRTMP(t *testing.T) {
	requireTool(t, "ffprobe", "apt-get install ffmpeg")
	rtmptest.CheckGoroutines(t)
	dir := t.TempDir()
	port := freePort(t)
	stop := startNginx(t, dir, port)

	log, logs := rtmptest.DebugLogger()
	tg := mustTarget(t, fmt.Sprintf("rtmp://127.0.0.1:%d/live/%s", port, testKey), "")
	p, err := dialWhenUp(t, tg, PublisherOptions{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	rtmptest.PublishSample(t, p)
	// Stay live past nginx's 2 s ping so the ping reply path runs for real.
	select {
	case <-p.Done():
		t.Fatalf("session ended: %v", p.Err())
	case <-time.After(2500 * time.Millisecond):
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "publishing") {
		t.Fatalf("logs: %s", logs)
	}

	// nginx refuses publishing on the "deny" app by closing the socket.
	deny := mustTarget(t, fmt.Sprintf("rtmp://127.0.0.1:%d/deny", port), testKey)
	_, err = Dial(context.Background(), deny, PublisherOptions{Log: log})
	if err == nil || err.Error() != "the server closed the connection before publishing started (publishing refused?)" {
		t.Fatalf("deny publish: %v", err)
	}
	if !errors.Is(err, ErrPublishRejected) {
		t.Fatalf("%v is not ErrPublishRejected", err)
	}
	// An unknown app.
	_, err = Dial(context.Background(), mustTarget(t, fmt.Sprintf("rtmp://127.0.0.1:%d/nosuchapp", port), testKey), PublisherOptions{Log: log})
	if err == nil || !strings.Contains(err.Error(), "during connect (wrong app name?)") {
		t.Fatalf("unknown app: %v", err)
	}
	assertNoSecrets(t, tg, logs.String())

	stop()
	probeFLV(t, filepath.Join(dir, testKey+".flv"))
}

// TestPublisherRTMPSToNginx publishes over TLS to nginx's stream TLS
// terminator in front of nginx-rtmp, and plays the stream back with ffmpeg.
func TestPublisherRTMPSToNginx(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	ca := testpeer.MakeCA(t, "IP:127.0.0.1")
	ngx := testpeer.StartNginx(t, testpeer.NginxOptions{TLSCert: ca.ServerCert, TLSKey: ca.ServerKey})
	rec := testpeer.Record(t, ngx.URL(testKey), filepath.Join(t.TempDir(), "play.flv"))

	log, logs := rtmptest.DebugLogger()
	tg := mustTarget(t, fmt.Sprintf("rtmps://127.0.0.1:%d/live", ngx.TLSPort), testKey)
	if _, err := Dial(context.Background(), tg, PublisherOptions{Log: log, Timeout: 3 * time.Second}); err == nil ||
		!errors.Is(err, ErrTLSCertificate) || !strings.Contains(err.Error(), "pass --ca-file") {
		t.Fatalf("without the CA: %v", err)
	}
	p, err := Dial(context.Background(), tg, PublisherOptions{Log: log, CAFile: ca.CACert})
	if err != nil {
		t.Fatalf("%v\nnginx: %s", err, ngx.Log())
	}
	rtmptest.PublishSample(t, p)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	_ = rec.Wait(10 * time.Second)
	probe := testpeer.FFprobe(t, rec.Path)
	v, okV := probe.Stream("video")
	a, okA := probe.Stream("audio")
	if !okV || !okA || v.CodecName != "h264" || v.Width != 320 || v.Height != 240 || a.CodecName != "aac" || a.SampleRate != "48000" {
		t.Fatalf("played back %+v\nffmpeg: %s", probe, rec.Log())
	}
	assertNoSecrets(t, tg, logs.String())
}
