package main

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// builtFor names the FFmpeg release this build's libavcodec.so.59 comes
// from: go-astiav v0.16.0 needs 5.1's API, though 5.0 shares the soname.
const builtFor = "FFmpeg 5.1"

// ffmpegReleases maps each FFmpeg library's soname major to the FFmpeg
// release that ships it (from each release's lib*/version_major.h).
var ffmpegReleases = map[string]map[int]string{
	"libavcodec":    {57: "FFmpeg 3", 58: "FFmpeg 4", 59: "FFmpeg 5", 60: "FFmpeg 6", 61: "FFmpeg 7", 62: "FFmpeg 8"},
	"libavformat":   {57: "FFmpeg 3", 58: "FFmpeg 4", 59: "FFmpeg 5", 60: "FFmpeg 6", 61: "FFmpeg 7", 62: "FFmpeg 8"},
	"libavdevice":   {57: "FFmpeg 3", 58: "FFmpeg 4", 59: "FFmpeg 5", 60: "FFmpeg 6", 61: "FFmpeg 7", 62: "FFmpeg 8"},
	"libavutil":     {55: "FFmpeg 3", 56: "FFmpeg 4", 57: "FFmpeg 5", 58: "FFmpeg 6", 59: "FFmpeg 7", 60: "FFmpeg 8"},
	"libavfilter":   {6: "FFmpeg 3", 7: "FFmpeg 4", 8: "FFmpeg 5", 9: "FFmpeg 6", 10: "FFmpeg 7", 11: "FFmpeg 8"},
	"libswscale":    {4: "FFmpeg 3", 5: "FFmpeg 4", 6: "FFmpeg 5", 7: "FFmpeg 6", 8: "FFmpeg 7", 9: "FFmpeg 8"},
	"libswresample": {2: "FFmpeg 3", 3: "FFmpeg 4", 4: "FFmpeg 5 or 6", 5: "FFmpeg 7", 6: "FFmpeg 8"},
	"libpostproc":   {54: "FFmpeg 3", 55: "FFmpeg 4", 56: "FFmpeg 5", 57: "FFmpeg 6", 58: "FFmpeg 7"},
}

// debianFFmpeg says where `sudo apt install ffmpeg` brings the FFmpeg that
// has libavcodec's soname major as its key.
var debianFFmpeg = map[int]string{
	58: "Debian 11 or Ubuntu 22.04",
	59: "Debian 12",
	60: "Ubuntu 24.04",
	61: "Debian 13",
}

// splitSoname splits "libavcodec.so.59.37.100" into "libavcodec" and 59.
func splitSoname(soname string) (base string, major int, ok bool) {
	base, rest, found := strings.Cut(soname, ".so.")
	if !found || base == "" {
		return "", 0, false
	}
	digits, _, _ := strings.Cut(rest, ".")
	major, err := strconv.Atoi(digits)
	if err != nil || major < 0 || major > 999 {
		return "", 0, false
	}
	return base, major, true
}

// isFFmpeg reports whether soname is one of FFmpeg's libraries.
func isFFmpeg(soname string) bool {
	base, _, ok := splitSoname(soname)
	_, known := ffmpegReleases[base]
	return ok && known
}

// ffmpegRelease names the FFmpeg release that ships soname ("FFmpeg 6"),
// "another FFmpeg" when the major is unknown.
func ffmpegRelease(soname string) string {
	base, major, ok := splitSoname(soname)
	if name := ffmpegReleases[base][major]; ok && name != "" {
		return name
	}
	return "another FFmpeg"
}

// avcodecMajor returns the soname major of the libavcodec among sonames.
func avcodecMajor(sonames []string) (int, bool) {
	for _, s := range sonames {
		if base, major, ok := splitSoname(s); ok && base == "libavcodec" {
			return major, true
		}
	}
	return 0, false
}

// libDirs lists the folders searched for other FFmpeg versions: those in
// LD_LIBRARY_PATH, then the usual system ones.
func libDirs(ldLibraryPath string) []string {
	var dirs []string
	for _, d := range strings.Split(ldLibraryPath, ":") {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	for _, pattern := range []string{"/usr/lib/*-linux-gnu", "/lib/*-linux-gnu"} {
		m, _ := filepath.Glob(pattern)
		dirs = append(dirs, m...)
	}
	return append(dirs, "/usr/lib64", "/lib64", "/usr/lib", "/usr/local/lib")
}

// installedAvcodec returns one "libavcodec.so.N" per major found in dirs,
// by major.
func installedAvcodec(dirs []string) []string {
	var majors []int
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "libavcodec.so.*"))
		for _, f := range files {
			if _, major, ok := splitSoname(filepath.Base(f)); ok && !slices.Contains(majors, major) {
				majors = append(majors, major)
			}
		}
	}
	slices.Sort(majors)
	out := make([]string, len(majors))
	for i, m := range majors {
		out[i] = "libavcodec.so." + strconv.Itoa(m)
	}
	return out
}
