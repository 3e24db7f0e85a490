package main

import (
	"fmt"
	"strings"
)

// debianPackages names the Debian/Ubuntu package of the non-FFmpeg
// libraries the studio (Fyne, GLFW, ALSA, V4L2, x264) links to.
var debianPackages = map[string]string{
	"libGL.so.1":             "libgl1",
	"libGLX.so.0":            "libglx0",
	"libEGL.so.1":            "libegl1",
	"libX11.so.6":            "libx11-6",
	"libXext.so.6":           "libxext6",
	"libXcursor.so.1":        "libxcursor1",
	"libXrandr.so.2":         "libxrandr2",
	"libXinerama.so.1":       "libxinerama1",
	"libXi.so.6":             "libxi6",
	"libXxf86vm.so.1":        "libxxf86vm1",
	"libXrender.so.1":        "libxrender1",
	"libXfixes.so.3":         "libxfixes3",
	"libxcb.so.1":            "libxcb1",
	"libasound.so.2":         "libasound2",
	"libpulse.so.0":          "libpulse0",
	"libv4l2.so.0":           "libv4l-0",
	"libx264.so.164":         "libx264-164",
	"libstdc++.so.6":         "libstdc++6",
	"libgcc_s.so.1":          "libgcc-s1",
	"libz.so.1":              "zlib1g",
	"libdrm.so.2":            "libdrm2",
	"libva.so.2":             "libva2",
	"libvdpau.so.1":          "libvdpau1",
	"libwayland-client.so.0": "libwayland-client0",
}

// maxNamed bounds how many libraries one sentence names.
const maxNamed = 4

// sentence is the one sentence that tells the user why the studio cannot
// start and what to install. found lists the libavcodec sonames this
// computer has (installedAvcodec).
func sentence(rep report, found []string) string {
	var ff, other []missingLib
	for _, m := range rep.missing {
		if isFFmpeg(m.soname) {
			ff = append(ff, m)
		} else {
			other = append(other, m)
		}
	}
	var b strings.Builder
	if len(ff) == 0 {
		fmt.Fprintf(&b, "OnAir Studio cannot start because %s: %s", describe(other), otherHint(other))
		return b.String() + "."
	}
	major, known := avcodecMajor(rep.needed)
	if !known {
		major, known = avcodecMajor(sonames(ff))
	}
	need := "the FFmpeg libraries it was built with"
	if release := ffmpegRelease(fmt.Sprintf("libavcodec.so.%d", major)); known && major == 59 {
		need = builtFor + "'s libraries"
	} else if known && release != "another FFmpeg" {
		need = release + "'s libraries"
	}
	fmt.Fprintf(&b, "OnAir Studio needs %s (%s): ", need, describe(ff))
	if where, ok := debianFFmpeg[major]; ok && known {
		fmt.Fprintf(&b, "on %s run `sudo apt install ffmpeg`", where)
	} else {
		fmt.Fprintf(&b, "install them from your distribution (on Debian or Ubuntu: `sudo apt install %s`)", strings.Join(debianNames(ff), " "))
	}
	var others []string
	for _, s := range found {
		if _, m, ok := splitSoname(s); ok && (!known || m != major) {
			others = append(others, fmt.Sprintf("%s (%s)", s, ffmpegRelease(s)))
		}
	}
	if len(others) > 0 {
		fmt.Fprintf(&b, "; this computer has FFmpeg's %s, which this build cannot use", strings.Join(others, ", "))
	}
	if len(other) > 0 {
		fmt.Fprintf(&b, "; also, %s: %s", describe(other), otherHint(other))
	}
	return b.String() + "."
}

// describe says what is wrong with libs: "libGL.so.1, libX11.so.6 are
// missing and libc.so.6 is too old (it lacks GLIBC_2.38)".
func describe(libs []missingLib) string {
	var absent, old []string
	for _, m := range libs {
		if m.version == "" {
			absent = append(absent, m.soname)
		} else {
			old = append(old, fmt.Sprintf("%s (it lacks %s)", m.soname, m.version))
		}
	}
	var parts []string
	if len(absent) > 0 {
		parts = append(parts, nameList(absent)+verb(len(absent), " is missing", " are missing"))
	}
	if len(old) > 0 {
		parts = append(parts, nameList(old)+verb(len(old), " is too old", " are too old"))
	}
	return strings.Join(parts, " and ")
}

// otherHint says what to do about missing non-FFmpeg libraries.
func otherHint(libs []missingLib) string {
	var pkgs, unknown []string
	old := false
	for _, m := range libs {
		switch p, ok := debianPackages[m.soname]; {
		case m.version != "":
			old = true
		case ok:
			pkgs = append(pkgs, p)
		default:
			unknown = append(unknown, m.soname)
		}
	}
	var hints []string
	if len(pkgs) > 0 {
		hints = append(hints, fmt.Sprintf("on Debian or Ubuntu run `sudo apt install %s`", strings.Join(pkgs, " ")))
	}
	if len(unknown) > 0 {
		hints = append(hints, "install the packages that provide "+nameList(unknown))
	}
	if old {
		hints = append(hints, "update your system or use a build made for it")
	}
	return strings.Join(hints, ", and ")
}

// debianNames returns the Debian package of each FFmpeg library in libs:
// libavcodec.so.59 is in libavcodec59.
func debianNames(libs []missingLib) []string {
	var out []string
	for _, m := range libs {
		if base, major, ok := splitSoname(m.soname); ok {
			out = append(out, fmt.Sprintf("%s%d", base, major))
		}
	}
	return out
}

// sonames returns the sonames of libs.
func sonames(libs []missingLib) []string {
	out := make([]string, len(libs))
	for i, m := range libs {
		out[i] = m.soname
	}
	return out
}

// nameList joins names with ", ", naming at most maxNamed of them.
func nameList(names []string) string {
	if len(names) <= maxNamed {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:maxNamed], ", "), len(names)-maxNamed)
}

// verb picks the singular or the plural phrase for n things.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
