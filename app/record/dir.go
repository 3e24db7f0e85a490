package record

import (
	"os"
	"path/filepath"
)

// DefaultDir is where program recordings go unless the user picks a
// folder: "OnAir Studio" in the user's Videos folder (~/Videos on Linux and
// macOS, the Videos known folder on Windows: %USERPROFILE%\Videos unless the
// user moved it), or in the temporary folder when there is none.
func DefaultDir() string {
	dir, err := videosDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "OnAir Studio")
	}
	return filepath.Join(dir, "OnAir Studio")
}
