//go:build windows

package record

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// videosDir is the Videos known folder, where Explorer's "Videos" is:
// %USERPROFILE%\Videos unless the user (or OneDrive's folder backup) moved it.
func videosDir() (string, error) {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_Videos, windows.KF_FLAG_DEFAULT)
	if err != nil {
		return "", fmt.Errorf("the Videos folder: %w", err)
	}
	return dir, nil
}
