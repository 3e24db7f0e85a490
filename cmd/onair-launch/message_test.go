package main

import (
	"reflect"
	"strings"
	"testing"
)

// studioNeeds is the NEEDED list of the real studio binary (static FFmpeg 7.1).
var studioNeeds = []string{"libva.so.2", "libva-drm.so.2", "libX11.so.6", "libXext.so.6", "libm.so.6", "libGL.so.1", "libc.so.6"}

func TestSentence(t *testing.T) {
	cases := []struct {
		name string
		rep  report
		want string
	}{
		{"no VA-API", report{needed: studioNeeds, missing: []missingLib{{soname: "libva.so.2"}, {soname: "libva-drm.so.2"}}},
			"OnAir Studio cannot start because libva.so.2, libva-drm.so.2 are missing: install it with `sudo apt install libva2 libva-drm2` (Debian, Ubuntu), " +
				"`sudo dnf install libva` (Fedora) or `sudo pacman -S libva` (Arch)."},
		{"no GL", report{needed: studioNeeds, missing: []missingLib{{soname: "libGL.so.1"}}},
			"OnAir Studio cannot start because libGL.so.1 is missing: install it with `sudo apt install libgl1` (Debian, Ubuntu), " +
				"`sudo dnf install mesa-libGL` (Fedora) or `sudo pacman -S libglvnd` (Arch)."},
		{"desktop libraries", report{needed: studioNeeds, missing: []missingLib{{soname: "libGL.so.1"}, {soname: "libX11.so.6"}, {soname: "libXext.so.6"}}},
			"OnAir Studio cannot start because libGL.so.1, libX11.so.6, libXext.so.6 are missing: install it with `sudo apt install libgl1 libx11-6 libxext6` (Debian, Ubuntu), " +
				"`sudo dnf install mesa-libGL libX11 libXext` (Fedora) or `sudo pacman -S libglvnd libx11 libxext` (Arch)."},
		{"unknown and old", report{needed: studioNeeds, missing: []missingLib{{soname: "libfoo.so.3"}, {soname: "libXi.so.6"}, {soname: "libc.so.6", version: "GLIBC_2.38"}}},
			"OnAir Studio cannot start because libfoo.so.3, libXi.so.6 are missing and libc.so.6 (it lacks GLIBC_2.38) is too old: " +
				"install it with `sudo apt install libxi6` (Debian, Ubuntu), `sudo dnf install libXi` (Fedora) or `sudo pacman -S libxi` (Arch), " +
				"and install the packages that provide libfoo.so.3, and update your system or use a build made for it."},
		{"many", report{needed: studioNeeds, missing: []missingLib{{soname: "libfoo.so.1"}, {soname: "libfoo.so.2"}, {soname: "libfoo.so.3"},
			{soname: "libfoo.so.4"}, {soname: "libfoo.so.5"}, {soname: "libfoo.so.6"}}},
			"OnAir Studio cannot start because libfoo.so.1, libfoo.so.2, libfoo.so.3, libfoo.so.4 and 2 more are missing: install the packages that provide libfoo.so.1, libfoo.so.2, libfoo.so.3, libfoo.so.4 and 2 more."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sentence(c.rep)
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if strings.Count(got, "\n") != 0 || !strings.HasSuffix(got, ".") {
				t.Errorf("not one sentence on one line: %q", got)
			}
		})
	}
}

func TestPickDialog(t *testing.T) {
	onPath := func(names ...string) func(string) (string, error) {
		return func(n string) (string, error) {
			for _, m := range names {
				if m == n {
					return "/usr/bin/" + n, nil
				}
			}
			return "", errNotOnPath
		}
	}
	msg := "OnAir Studio needs <FFmpeg> & more: run `x`."
	cases := []struct {
		path []string
		want []string
	}{
		{[]string{"notify-send", "xmessage", "zenity", "kdialog"}, []string{"/usr/bin/zenity", "--error", "--title", "OnAir Studio", "--width", "480", "--text", "OnAir Studio needs &lt;FFmpeg&gt; &amp; more: run `x`."}},
		{[]string{"notify-send", "kdialog", "xmessage"}, []string{"/usr/bin/kdialog", "--title", "OnAir Studio", "--error", msg}},
		{[]string{"notify-send", "xmessage"}, []string{"/usr/bin/xmessage", "-center", msg}},
		{[]string{"notify-send"}, []string{"/usr/bin/notify-send", "--urgency", "critical", "OnAir Studio", msg}},
		{nil, nil},
	}
	for _, c := range cases {
		if got := pickDialog(msg, onPath(c.path...)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("with %v on PATH: got %q, want %q", c.path, got, c.want)
		}
	}
	long := strings.Repeat("word ", 40)
	for _, line := range strings.Split(wrap(long, 72), "\n") {
		if len(line) > 72 || line == "" {
			t.Errorf("wrap made the line %q", line)
		}
	}
	if got := wrap(long, 72); strings.Join(strings.Fields(got), " ") != strings.TrimSpace(long) {
		t.Errorf("wrap lost words: %q", got)
	}
}
