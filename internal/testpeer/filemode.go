package testpeer

import (
	"os"
	"runtime"
	"testing"
)

// AssertMode fails the test when path's permission bits are not want
// (skipped on Windows, which has no such bits).
func AssertMode(t testing.TB, path string, want os.FileMode) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
	}
}
