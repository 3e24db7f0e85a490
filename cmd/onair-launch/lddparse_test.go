package main

import (
	"reflect"
	"testing"
)

// Real outputs of glibc 2.36's loader (Debian 12) for the studio binary
// and its broken variants, and of musl's and an old glibc's ldd.
func TestParseLoaderOutput(t *testing.T) {
	cases := []struct {
		name    string
		out     string
		missing []missingLib
		listed  int
	}{
		{"all found", "\tlinux-vdso.so.1 (0x00007ffd5a3f2000)\n" +
			"\tlibavcodec.so.59 => /lib/x86_64-linux-gnu/libavcodec.so.59 (0x00007f1f8d800000)\n" +
			"\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1f8d42e000)\n" +
			"\t/lib64/ld-linux-x86-64.so.2 (0x00007f1f8edb2000)\n", nil, 4},
		{"trace with two missing", "\tlinux-vdso.so.1 (0x00007f408bf6b000)\n" +
			"\tlibavcodec.so.58 => not found\n" +
			"\tlibswresample.so.4 => /lib/x86_64-linux-gnu/libswresample.so.4 (0x00007f408bf35000)\n" +
			"\tlibGL.so.1 => not found\n" +
			"\tlibavcodec.so.58 => not found\n" +
			"\t/lib64/ld-linux-x86-64.so.2 (0x00007f408bf6d000)\n",
			[]missingLib{{soname: "libavcodec.so.58"}, {soname: "libGL.so.1"}}, 6},
		{"--list stops at the first", "/usr/local/lib/onair/onair-studio: error while loading shared libraries: libavcodec.so.58: cannot open shared object file: No such file or directory\n",
			[]missingLib{{soname: "libavcodec.so.58"}}, 1},
		{"symbol version", "\tlinux-vdso.so.1 (0x00007ffd5a3f2000)\n" +
			"/usr/lib/onair/onair-studio: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /usr/lib/onair/onair-studio)\n" +
			"/usr/lib/onair/onair-studio: /lib/x86_64-linux-gnu/libavcodec.so.59: version `LIBAVCODEC_59' not found (required by /usr/lib/onair/onair-studio)\n" +
			"\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1f8d42e000)\n",
			[]missingLib{{soname: "libc.so.6", version: "GLIBC_2.38"}, {soname: "libavcodec.so.59", version: "LIBAVCODEC_59"}}, 4},
		{"weak version is not fatal", "prog: /lib/libfoo.so.1: weak version `FOO_1' not found (required by prog)\n", nil, 0},
		{"wrong class", "prog: error while loading shared libraries: libGL.so.1: wrong ELF class: ELFCLASS32\n",
			[]missingLib{{soname: "libGL.so.1"}}, 1},
		{"musl ldd", "\t/lib/ld-musl-x86_64.so.1 (0x7f2b1c9f6000)\n" +
			"Error loading shared library libavcodec.so.59: No such file or directory (needed by /usr/lib/onair/onair-studio)\n" +
			"\tlibc.musl-x86_64.so.1 => /lib/ld-musl-x86_64.so.1 (0x7f2b1c9f6000)\n",
			[]missingLib{{soname: "libavcodec.so.59"}}, 3},
		{"not a listing", "onair 0.1.0\nusage: onair [flags]\n", nil, 0},
		{"garbage names", "\tlib avcodec.so.59 => not found\n\t/evil/libx.so.1 => not found\n\tlibx => not found\n", nil, 0},
		{"no trailing newline", "\tlibasound.so.2 => not found", []missingLib{{soname: "libasound.so.2"}}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			missing, listed := parseLoaderOutput([]byte(c.out))
			if !reflect.DeepEqual(missing, c.missing) || listed != c.listed {
				t.Errorf("got %v listed %d, want %v listed %d", missing, listed, c.missing, c.listed)
			}
		})
	}
}

// TestParseLoaderOutputBounds: an over-long line is skipped, the rest is
// read, and no more than maxMissing libraries are reported.
func TestParseLoaderOutputBounds(t *testing.T) {
	long := make([]byte, maxLine+10)
	for i := range long {
		long[i] = 'a'
	}
	out := append(long, "\n\tlibGL.so.1 => not found\n"...)
	if missing, listed := parseLoaderOutput(out); len(missing) != 1 || listed != 1 {
		t.Errorf("after a long line: %v listed %d", missing, listed)
	}
	var many []byte
	for i := range 3 * maxMissing {
		many = append(many, "\tlibx"...)
		many = append(many, byte('a'+i%26), byte('a'+i/26%26))
		many = append(many, ".so.1 => not found\n"...)
	}
	if missing, _ := parseLoaderOutput(many); len(missing) != maxMissing {
		t.Errorf("%d missing reported, want the bound %d", len(missing), maxMissing)
	}
}

// FuzzParseLoaderOutput: any bytes parse without panicking, within the
// bounds, and every reported library is a valid soname.
func FuzzParseLoaderOutput(f *testing.F) {
	f.Add([]byte("\tlibavcodec.so.58 => not found\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f4095361000)\n"))
	f.Add([]byte("x: error while loading shared libraries: libGL.so.1: cannot open shared object file\n"))
	f.Add([]byte("x: /lib/libc.so.6: version `GLIBC_2.38' not found (required by x)\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		missing, listed := parseLoaderOutput(out)
		if len(missing) > maxMissing || len(missing) > listed {
			t.Fatalf("%d missing from %d listed lines", len(missing), listed)
		}
		seen := map[missingLib]bool{}
		for _, m := range missing {
			if !validSoname(m.soname) || seen[m] {
				t.Fatalf("bad or repeated soname %q", m.soname)
			}
			seen[m] = true
		}
	})
}
