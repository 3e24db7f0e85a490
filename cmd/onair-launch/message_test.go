package main

import (
	"reflect"
	"strings"
	"testing"
)

// studioNeeds is the NEEDED list of the real studio binary (FFmpeg 5.1).
var studioNeeds = []string{"libavcodec.so.59", "libswresample.so.4", "libswscale.so.6", "libavutil.so.57",
	"libavdevice.so.59", "libavfilter.so.8", "libavformat.so.59", "libX11.so.6", "libXext.so.6", "libm.so.6", "libGL.so.1", "libc.so.6"}

func TestSentence(t *testing.T) {
	cases := []struct {
		name  string
		rep   report
		found []string
		want  string
	}{
		{"no FFmpeg at all", report{needed: studioNeeds, missing: []missingLib{{soname: "libavcodec.so.59"}, {soname: "libavformat.so.59"}}}, nil,
			"OnAir Studio needs FFmpeg 5.1's libraries (libavcodec.so.59, libavformat.so.59 are missing): on Debian 12 run `sudo apt install ffmpeg`."},
		{"FFmpeg 6 and 7 instead", report{needed: studioNeeds, missing: []missingLib{{soname: "libavcodec.so.59"}}},
			[]string{"libavcodec.so.60", "libavcodec.so.61"},
			"OnAir Studio needs FFmpeg 5.1's libraries (libavcodec.so.59 is missing): on Debian 12 run `sudo apt install ffmpeg`; " +
				"this computer has FFmpeg's libavcodec.so.60 (FFmpeg 6), libavcodec.so.61 (FFmpeg 7), which this build cannot use."},
		{"its own libavcodec is not another version", report{needed: studioNeeds, missing: []missingLib{{soname: "libavfilter.so.8"}}},
			[]string{"libavcodec.so.59"},
			"OnAir Studio needs FFmpeg 5.1's libraries (libavfilter.so.8 is missing): on Debian 12 run `sudo apt install ffmpeg`."},
		{"a build for FFmpeg 4", report{needed: []string{"libavcodec.so.58"}, missing: []missingLib{{soname: "libavcodec.so.58"}}},
			[]string{"libavcodec.so.59", "libavcodec.so.99"},
			"OnAir Studio needs FFmpeg 4's libraries (libavcodec.so.58 is missing): on Debian 11 or Ubuntu 22.04 run `sudo apt install ffmpeg`; " +
				"this computer has FFmpeg's libavcodec.so.59 (FFmpeg 5), libavcodec.so.99 (another FFmpeg), which this build cannot use."},
		{"a build for FFmpeg 8", report{needed: []string{"libavcodec.so.62", "libavutil.so.60"}, missing: []missingLib{{soname: "libavcodec.so.62"}, {soname: "libavutil.so.60"}}}, nil,
			"OnAir Studio needs FFmpeg 8's libraries (libavcodec.so.62, libavutil.so.60 are missing): install them from your distribution (on Debian or Ubuntu: `sudo apt install libavcodec62 libavutil60`)."},
		{"too old and other libraries", report{needed: studioNeeds, missing: []missingLib{{soname: "libavcodec.so.59", version: "LIBAVCODEC_59"}, {soname: "libGL.so.1"}}}, nil,
			"OnAir Studio needs FFmpeg 5.1's libraries (libavcodec.so.59 (it lacks LIBAVCODEC_59) is too old): on Debian 12 run `sudo apt install ffmpeg`; " +
				"also, libGL.so.1 is missing: on Debian or Ubuntu run `sudo apt install libgl1`."},
		{"desktop libraries", report{needed: studioNeeds, missing: []missingLib{{soname: "libGL.so.1"}, {soname: "libX11.so.6"}, {soname: "libasound.so.2"}}}, nil,
			"OnAir Studio cannot start because libGL.so.1, libX11.so.6, libasound.so.2 are missing: on Debian or Ubuntu run `sudo apt install libgl1 libx11-6 libasound2`."},
		{"unknown and old", report{needed: studioNeeds, missing: []missingLib{{soname: "libfoo.so.3"}, {soname: "libXi.so.6"}, {soname: "libc.so.6", version: "GLIBC_2.38"}}}, nil,
			"OnAir Studio cannot start because libfoo.so.3, libXi.so.6 are missing and libc.so.6 (it lacks GLIBC_2.38) is too old: " +
				"on Debian or Ubuntu run `sudo apt install libxi6`, and install the packages that provide libfoo.so.3, and update your system or use a build made for it."},
		{"many", report{needed: studioNeeds, missing: []missingLib{{soname: "libavcodec.so.59"}, {soname: "libavformat.so.59"}, {soname: "libavutil.so.57"},
			{soname: "libavfilter.so.8"}, {soname: "libavdevice.so.59"}, {soname: "libswscale.so.6"}}}, nil,
			"OnAir Studio needs FFmpeg 5.1's libraries (libavcodec.so.59, libavformat.so.59, libavutil.so.57, libavfilter.so.8 and 2 more are missing): on Debian 12 run `sudo apt install ffmpeg`."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sentence(c.rep, c.found)
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if strings.Count(got, "\n") != 0 || !strings.HasSuffix(got, ".") {
				t.Errorf("not one sentence on one line: %q", got)
			}
		})
	}
}

func TestFFmpegRelease(t *testing.T) {
	for soname, want := range map[string]string{
		"libavcodec.so.58": "FFmpeg 4", "libavcodec.so.59.37.100": "FFmpeg 5", "libavcodec.so.60": "FFmpeg 6",
		"libavcodec.so.61": "FFmpeg 7", "libavcodec.so.62": "FFmpeg 8", "libavcodec.so.63": "another FFmpeg",
		"libavutil.so.57": "FFmpeg 5", "libswscale.so.7": "FFmpeg 6", "libavfilter.so.10": "FFmpeg 7",
		"libavcodec.so": "another FFmpeg", "libfoo.so.1": "another FFmpeg",
	} {
		if got := ffmpegRelease(soname); got != want {
			t.Errorf("ffmpegRelease(%q) = %q, want %q", soname, got, want)
		}
	}
	for soname, want := range map[string]bool{"libpostproc.so.56": true, "libswresample.so.4": true, "libavahi-client.so.3": false, "libavcodec.so": false, "libGL.so.1": false} {
		if isFFmpeg(soname) != want {
			t.Errorf("isFFmpeg(%q) = %v", soname, !want)
		}
	}
}

// TestInstalledAvcodec looks in real folders: a temp one laid out as a
// distribution does (dev symlink, full version, soname link), plus one that
// does not exist.
func TestInstalledAvcodec(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for dir, names := range map[string][]string{
		a: {"libavcodec.so", "libavcodec.so.60", "libavcodec.so.60.31.102", "libavcodec.a", "libavahi-client.so.3"},
		b: {"libavcodec.so.58.134.100", "libavcodec.so.60"},
	} {
		for _, n := range names {
			writeFile(t, dir+"/"+n, "", 0o644)
		}
	}
	got := installedAvcodec([]string{a, b, a + "/nope"})
	if want := []string{"libavcodec.so.58", "libavcodec.so.60"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	dirs := libDirs("/opt/ff/lib::/x")
	if len(dirs) < 6 || dirs[0] != "/opt/ff/lib" || dirs[1] != "/x" {
		t.Errorf("libDirs = %v: LD_LIBRARY_PATH first, empty entries dropped", dirs)
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
