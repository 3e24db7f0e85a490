package testpeer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// NginxOptions configures a test nginx-rtmp.
type NginxOptions struct {
	// DenyPublish makes the "live" application refuse every publisher.
	DenyPublish bool
	// TLSCert and TLSKey, when set, add an nginx `stream` TLS terminator in
	// front of the RTMP port (RTMPS on TLSPort).
	TLSCert, TLSKey string
	// ChunkSize is the RTMP chunk size nginx uses (default 4096).
	ChunkSize int
	// HLS makes the "live" application write HLS (hls_fragment 1s,
	// hls_playlist_length 4s), served over HTTP on HTTPPort with CORS, as
	// http://127.0.0.1:HTTPPort/hls/NAME.m3u8.
	HLS bool
}

// Nginx is a running nginx with the RTMP module on 127.0.0.1.
type Nginx struct {
	Port     int // RTMP
	TLSPort  int // RTMPS, when TLS was asked for
	HTTPPort int // HLS over HTTP, when HLS was asked for
	dir      string
	cmd      *exec.Cmd
	stderr   *SyncBuffer
	t        testing.TB
}

// StartNginx starts nginx-rtmp with an application "live" on a free port.
func StartNginx(t testing.TB, opt NginxOptions) *Nginx {
	t.Helper()
	Require(t, "nginx")
	n := &Nginx{Port: FreePort(t), dir: t.TempDir(), t: t}
	if opt.TLSCert != "" {
		n.TLSPort = FreePort(t)
	}
	if opt.HLS {
		n.HTTPPort = FreePort(t)
	}
	if opt.ChunkSize == 0 {
		opt.ChunkSize = 4096
	}
	conf := filepath.Join(n.dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(n.config(opt)), 0o644); err != nil {
		t.Fatal(err)
	}
	n.start(conf)
	t.Cleanup(n.Stop)
	return n
}

func (n *Nginx) config(opt NginxOptions) string {
	var b strings.Builder
	mods := "/usr/lib/nginx/modules"
	fmt.Fprintf(&b, "load_module %s/ngx_rtmp_module.so;\n", mods)
	if opt.TLSCert != "" {
		fmt.Fprintf(&b, "load_module %s/ngx_stream_module.so;\n", mods)
	}
	fmt.Fprintf(&b, "daemon off;\nmaster_process on;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log stderr warn;\n", n.dir)
	if os.Geteuid() == 0 {
		b.WriteString("user root;\n")
	}
	b.WriteString("events { worker_connections 4096; }\n")
	deny := ""
	if opt.DenyPublish {
		deny = "deny publish all;"
	}
	hls := ""
	if opt.HLS {
		hlsDir := filepath.Join(n.dir, "hls")
		hls = fmt.Sprintf("hls on; hls_path %s; hls_fragment 1s; hls_playlist_length 4s;", hlsDir)
		fmt.Fprintf(&b, "http { access_log off; types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; } "+
			"server { listen 127.0.0.1:%d; location /hls/ { alias %s/; add_header Cache-Control no-cache; add_header Access-Control-Allow-Origin *; } } }\n",
			n.HTTPPort, hlsDir)
	}
	fmt.Fprintf(&b, "rtmp { server { listen 127.0.0.1:%d; chunk_size %d; application live { live on; publish_notify on; %s %s } } }\n",
		n.Port, opt.ChunkSize, deny, hls)
	if opt.TLSCert != "" {
		fmt.Fprintf(&b, "stream { server { listen 127.0.0.1:%d ssl; ssl_certificate %s; ssl_certificate_key %s; proxy_pass 127.0.0.1:%d; } }\n",
			n.TLSPort, opt.TLSCert, opt.TLSKey, n.Port)
	}
	return b.String()
}

func (n *Nginx) start(conf string) {
	n.stderr = &SyncBuffer{}
	n.cmd = exec.Command("nginx", "-p", n.dir, "-c", conf, "-e", "stderr")
	n.cmd.Stderr = n.stderr
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := n.cmd.Start(); err != nil {
		n.t.Fatalf("starting nginx: %v", err)
	}
	if err := WaitListening(n.Addr(), 10*time.Second, nil); err != nil {
		n.Stop()
		n.t.Fatalf("nginx: %v: %s", err, n.stderr.String())
	}
}

// Addr returns host:port of the RTMP listener.
func (n *Nginx) Addr() string { return fmt.Sprintf("127.0.0.1:%d", n.Port) }

// URL returns rtmp://127.0.0.1:PORT/live/NAME.
func (n *Nginx) URL(name string) string { return fmt.Sprintf("rtmp://%s/live/%s", n.Addr(), name) }

// HLSURL returns the HLS playlist of stream name (with NginxOptions.HLS).
func (n *Nginx) HLSURL(name string) string {
	return fmt.Sprintf("http://127.0.0.1:%d/hls/%s.m3u8", n.HTTPPort, name)
}

// Kill stops nginx at once with SIGKILL (master and worker).
func (n *Nginx) Kill() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
	n.cmd.Wait()
	n.cmd = nil
}

// Restart starts nginx again on the same ports after Kill.
func (n *Nginx) Restart() { n.start(filepath.Join(n.dir, "nginx.conf")) }

// Stop shuts nginx down; it is safe to call twice.
func (n *Nginx) Stop() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	syscall.Kill(-n.cmd.Process.Pid, syscall.SIGQUIT)
	done := make(chan struct{})
	go func() { n.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	n.cmd = nil
}

// Log returns what nginx wrote to stderr.
func (n *Nginx) Log() string { return n.stderr.String() }

// PID returns the nginx master's process id (0 when not running).
func (n *Nginx) PID() int {
	if n.cmd == nil || n.cmd.Process == nil {
		return 0
	}
	return n.cmd.Process.Pid
}
