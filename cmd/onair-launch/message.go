package main

import (
	"fmt"
	"strings"
)

// packages names, for each shared library the studio links to (FFmpeg and
// x264 are inside the binary; GL, X11 and VA-API are the computer's), the
// package that provides it on Debian/Ubuntu, Fedora and Arch.
var packages = map[string]distroPackages{
	"libGL.so.1":      {"libgl1", "mesa-libGL", "libglvnd"},
	"libGLX.so.0":     {"libglx0", "libglvnd-glx", "libglvnd"},
	"libX11.so.6":     {"libx11-6", "libX11", "libx11"},
	"libXext.so.6":    {"libxext6", "libXext", "libxext"},
	"libxcb.so.1":     {"libxcb1", "libxcb", "libxcb"},
	"libva.so.2":      {"libva2", "libva", "libva"},
	"libva-drm.so.2":  {"libva-drm2", "libva", "libva"},
	"libdrm.so.2":     {"libdrm2", "libdrm", "libdrm"},
	"libasound.so.2":  {"libasound2", "alsa-lib", "alsa-lib"},
	"libstdc++.so.6":  {"libstdc++6", "libstdc++", "gcc-libs"},
	"libgcc_s.so.1":   {"libgcc-s1", "libgcc", "gcc-libs"},
	"libz.so.1":       {"zlib1g", "zlib", "zlib"},
	"libXcursor.so.1": {"libxcursor1", "libXcursor", "libxcursor"},
	"libXrandr.so.2":  {"libxrandr2", "libXrandr", "libxrandr"},
	"libXi.so.6":      {"libxi6", "libXi", "libxi"},
}

// distroPackages are one library's package names on three families.
type distroPackages struct{ debian, fedora, arch string }

// maxNamed bounds how many libraries one sentence names.
const maxNamed = 4

// sentence is the one sentence that tells the user why the studio cannot
// start and what to install.
func sentence(rep report) string {
	return fmt.Sprintf("OnAir Studio cannot start because %s: %s.", describe(rep.missing), hint(rep.missing))
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

// hint says what to install for the missing libraries, with the commands of
// the usual distributions for those it knows.
func hint(libs []missingLib) string {
	var deb, fed, arch, unknown []string
	old := false
	for _, m := range libs {
		switch p, ok := packages[m.soname]; {
		case m.version != "":
			old = true
		case ok:
			deb, fed, arch = addOnce(deb, p.debian), addOnce(fed, p.fedora), addOnce(arch, p.arch)
		default:
			unknown = append(unknown, m.soname)
		}
	}
	var hints []string
	if len(deb) > 0 {
		hints = append(hints, fmt.Sprintf("install it with `sudo apt install %s` (Debian, Ubuntu), `sudo dnf install %s` (Fedora) or `sudo pacman -S %s` (Arch)",
			strings.Join(deb, " "), strings.Join(fed, " "), strings.Join(arch, " ")))
	}
	if len(unknown) > 0 {
		hints = append(hints, "install the packages that provide "+nameList(unknown))
	}
	if old {
		hints = append(hints, "update your system or use a build made for it")
	}
	return strings.Join(hints, ", and ")
}

// addOnce appends s to list unless it is there already.
func addOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
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
