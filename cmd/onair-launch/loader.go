package main

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// maxLoaderOutput bounds what is kept of the loader's listing.
const maxLoaderOutput = 1 << 20

// report is what the loader said about the studio binary.
type report struct {
	needed  []string     // the binary's NEEDED entries, from its ELF header
	missing []missingLib // what the loader could not satisfy
}

// problem reports whether the studio cannot start for want of a library.
func (r report) problem() bool { return len(r.missing) > 0 }

// inspect asks studio's dynamic loader which of its libraries are missing,
// without running it. A static binary (no PT_INTERP), a loader that does
// not answer within ctx, or one that prints no listing, yields an empty
// report: the studio then starts and the loader speaks for itself. It
// fails only when studio is not a readable ELF file.
func inspect(ctx context.Context, studio string, env []string) (report, error) {
	interp, needed, err := readELF(studio)
	if err != nil {
		return report{}, err
	}
	rep := report{needed: needed}
	if interp == "" {
		return rep, nil
	}
	modes := []bool{true, false} // trace via LD_TRACE_LOADED_OBJECTS first, then --list
	if !glibcLoader(interp) {
		modes = []bool{false}
	}
	for _, trace := range modes {
		missing, listed := parseLoaderOutput(listLibraries(ctx, interp, studio, env, trace))
		if listed > 0 {
			rep.missing = missing
			return rep, nil
		}
	}
	return rep, nil
}

// readELF returns the program interpreter (PT_INTERP, "" for a static
// binary) and the NEEDED libraries of the ELF file at path.
func readELF(path string) (interp string, needed []string, err error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		if p.Filesz > 4096 {
			return "", nil, fmt.Errorf("reading %s: program interpreter of %d bytes", filepath.Base(path), p.Filesz)
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			return "", nil, fmt.Errorf("reading %s's program interpreter: %w", filepath.Base(path), err)
		}
		interp = string(bytes.TrimRight(b, "\x00"))
	}
	needed, _ = f.ImportedLibraries() // no dynamic section: nothing needed
	return interp, needed, nil
}

// glibcLoader reports whether interp is glibc's ld.so, which honours
// LD_TRACE_LOADED_OBJECTS (as ldd uses it) and then never runs the program.
// Other loaders (musl) are only asked with --list.
func glibcLoader(interp string) bool {
	base := filepath.Base(interp)
	return strings.HasPrefix(base, "ld-linux") || strings.HasPrefix(base, "ld64.so.") || base == "ld.so.1"
}

// listLibraries runs the loader in list mode on studio and returns its
// stdout and stderr together (at most maxLoaderOutput bytes). With trace it
// runs `interp studio` with LD_TRACE_LOADED_OBJECTS=1, which lists every
// missing library; else `interp --list studio`, which glibc stops at the
// first missing one. A loader that fails or times out yields what it
// printed so far.
func listLibraries(ctx context.Context, interp, studio string, env []string, trace bool) []byte {
	args := []string{"--list", studio}
	if trace {
		args = []string{studio}
	}
	cmd := exec.CommandContext(ctx, interp, args...)
	cmd.Env = make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "LD_TRACE_") && !strings.HasPrefix(kv, "LD_PRELOAD=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if trace {
		cmd.Env = append(cmd.Env, "LD_TRACE_LOADED_OBJECTS=1")
	}
	out := &cappedBuffer{max: maxLoaderOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = time.Second
	_ = cmd.Run() // a missing library makes the loader exit non-zero; its words are what count
	return out.buf.Bytes()
}

// cappedBuffer keeps the first max bytes written to it and drops the rest.
type cappedBuffer struct {
	buf bytes.Buffer
	max int
}

// Write keeps what fits and always reports success, so the writer is not
// stopped by a full buffer.
func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
