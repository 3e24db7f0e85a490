package encode

import (
	"strings"
	"testing"
)

// The pinned build has both software encoders, and --version says so.
func TestLibraryVersionNamesTheEncoders(t *testing.T) {
	if v := LibraryVersion(); !strings.HasPrefix(v, "FFmpeg 7.1") || !strings.HasSuffix(v, " with x264 and x265") {
		t.Errorf("LibraryVersion() = %q; want FFmpeg 7.1.x with x264 and x265 (make ffmpeg builds both)", v)
	}
}
