package main

import (
	"bytes"
	"path/filepath"
	"strings"
)

// maxMissing bounds how many missing libraries one listing reports.
const maxMissing = 64

// maxLine bounds the length of a loader line the parser looks at.
const maxLine = 4096

// missingLib is one shared library the dynamic loader could not satisfy.
type missingLib struct {
	soname  string // as the binary names it: libavcodec.so.59
	version string // the symbol version the library found lacks; "" when no library was found
}

// parseLoaderOutput reads what glibc's or musl's loader prints when asked
// to list a binary's libraries (LD_TRACE_LOADED_OBJECTS=1, --list, ldd):
//
//	libavcodec.so.59 => not found
//	libGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f…)
//	prog: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by prog)
//	prog: error while loading shared libraries: libavcodec.so.58: cannot open shared object file: No such file or directory
//	Error loading shared library libavcodec.so.59: No such file or directory (needed by prog)
//
// It returns the libraries that are missing or too old, in order and
// without repeats, and how many lines it recognised as a listing at all
// (0 means the loader did not list, whatever it said).
func parseLoaderOutput(out []byte) (missing []missingLib, listed int) {
	seen := map[missingLib]bool{}
	add := func(m missingLib) {
		if !validSoname(m.soname) || seen[m] || len(missing) >= maxMissing {
			return
		}
		seen[m] = true
		missing = append(missing, m)
	}
	for len(out) > 0 {
		line := out
		if i := bytes.IndexByte(out, '\n'); i >= 0 {
			line, out = out[:i], out[i+1:]
		} else {
			out = nil
		}
		if len(line) > maxLine {
			continue
		}
		if m, ok := parseLine(strings.TrimSpace(string(line))); ok {
			listed++
			if m.soname != "" {
				add(m)
			}
		}
	}
	return missing, listed
}

// parseLine recognises one loader line; m.soname is "" for a library that
// was found.
func parseLine(line string) (m missingLib, ok bool) {
	if name, target, found := strings.Cut(line, " => "); found {
		name = strings.TrimSpace(name)
		if strings.TrimSpace(target) == "not found" {
			return missingLib{soname: name}, validSoname(name)
		}
		return missingLib{}, validSoname(name) && strings.HasPrefix(strings.TrimSpace(target), "/")
	}
	if _, after, found := strings.Cut(line, "error while loading shared libraries: "); found {
		name, _, _ := strings.Cut(after, ":")
		return missingLib{soname: strings.TrimSpace(name)}, true
	}
	if after, found := strings.CutPrefix(line, "Error loading shared library "); found { // musl
		name, _, _ := strings.Cut(after, ":")
		return missingLib{soname: strings.TrimSpace(name)}, true
	}
	if before, after, found := strings.Cut(line, ": version `"); found && !strings.HasSuffix(before, ": weak") {
		version, rest, closed := strings.Cut(after, "'")
		if !closed || !strings.HasPrefix(rest, " not found") || version == "" {
			return missingLib{}, false
		}
		lib := before
		if i := strings.LastIndex(before, ": "); i >= 0 {
			lib = before[i+2:]
		}
		return missingLib{soname: filepath.Base(lib), version: version}, true
	}
	// "linux-vdso.so.1 (0x…)" and the loader itself.
	if name, addr, found := strings.Cut(line, " (0x"); found && strings.HasSuffix(addr, ")") {
		return missingLib{}, validSoname(filepath.Base(name))
	}
	return missingLib{}, false
}

// validSoname accepts a library file name: printable, no spaces or slashes,
// with ".so" in it, at most 255 bytes.
func validSoname(s string) bool {
	if s == "" || len(s) > 255 || !strings.Contains(s, ".so") {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == '/' || r == 0x7f || r == '`' || r == '\'' || r > 0x7e {
			return false
		}
	}
	return true
}
