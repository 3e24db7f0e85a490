package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// studioRel is where the studio binary lives relative to the launcher's
// folder: PREFIX/bin/onair starts PREFIX/lib/onair/onair-studio.
var studioRel = filepath.Join("..", "lib", "onair", "onair-studio")

// studioPath returns the studio binary that belongs to the launcher at exe
// (an absolute, resolved path).
func studioPath(exe string) string {
	return filepath.Join(filepath.Dir(exe), studioRel)
}

// checkInstalled returns the sentence for an incomplete installation, or ""
// when studio is an executable file.
func checkInstalled(studio string) string {
	fi, err := os.Stat(studio)
	if err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
		return ""
	}
	return fmt.Sprintf("OnAir Studio's installation is incomplete (%s is missing): reinstall it, for example with `make install` in the unpacked package.", studio)
}
