package main

import (
	"bytes"
	"strings"
	"testing"
)

// onair serve --listen 0.0.0.0:1935 --generate-key prints the camera URL
// at every usable address, including a host's only, non-private one; with
// none it says so and what to type instead, never 127.0.0.1 for cameras.
func TestServeURLs(t *testing.T) {
	const key = "KEY26CHARSKEY26CHARSKEY26C"
	for _, tc := range []struct {
		name      string
		u         serverURLs
		want, not []string
	}{
		{"the only address is not private", serverURLs{addr: "192.0.2.2:1935", lan: true, hosts: []string{"192.0.2.2"}, port: 1935, keys: []string{key}},
			[]string{"open to the network at 192.0.2.2", "rtmp://192.0.2.2:1935/live/NAME_" + key, "rtmp://192.0.2.2:1935/live/NAME?key=" + key},
			[]string{"127.0.0.1:1935/live/NAME_"}},
		{"two networks", serverURLs{addr: "192.168.1.10:1935", lan: true, hosts: []string{"192.168.1.10", "10.8.0.2"}, port: 1935, keys: []string{key}},
			[]string{"rtmp://192.168.1.10:1935/live/NAME_" + key, "rtmp://10.8.0.2:1935/live/NAME_" + key}, nil},
		{"no network address", serverURLs{addr: "127.0.0.1:1935", lan: true, port: 1935, keys: []string{key}},
			[]string{"no network address other than 127.0.0.1", "rtmp://YOUR-COMPUTER-IP:1935/live/NAME_" + key, "hostname -I"},
			[]string{"127.0.0.1:1935/live/NAME_"}},
		{"this computer only", serverURLs{addr: "127.0.0.1:1935", port: 1935, keys: []string{key}},
			[]string{"server on 127.0.0.1:1935", "rtmp://127.0.0.1:1935/live/NAME_" + key, "play: rtmp://127.0.0.1:1935/live/NAME"}, nil},
	} {
		var b bytes.Buffer
		tc.u.print(&b)
		out := b.String()
		t.Logf("%s:\n%s", tc.name, out)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", tc.name, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%s: %q in\n%s", tc.name, n, out)
			}
		}
	}
}
