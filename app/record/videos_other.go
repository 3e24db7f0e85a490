//go:build !windows

package record

import (
	"fmt"
	"os"
	"path/filepath"
)

// videosDir is ~/Videos.
func videosDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home folder: %w", err)
	}
	return filepath.Join(home, "Videos"), nil
}
