package record

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// maxRecordingSource bounds the source part of a recording's file name.
const maxRecordingSource = 80

// Name returns a file name for a recording of source started at
// t: the source with every character other than letters, digits, '.', '_'
// and '-' turned into '-', then the date, then ext (".mp4" when empty), e.g.
// "live-cam-2026-12-03_08-15-00.mp4". It never contains a path separator.
func Name(source string, t time.Time, ext string) string {
	var b strings.Builder
	dash := false
	for _, c := range source {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok || c == '-' {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		b.WriteRune(c)
		dash = false
		if b.Len() >= maxRecordingSource {
			break
		}
	}
	name := strings.Trim(b.String(), "-.")
	if name == "" {
		name = "recording"
	}
	ext = strings.TrimPrefix(ext, ".")
	clean := strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, ext)
	if clean == "" || len(clean) > 8 {
		clean = "mp4"
	}
	return name + "-" + t.Format("2006-01-02_15-04-05") + "." + clean
}

// numberedPath is path with "-n" before its extension: show.mp4 → show-2.mp4.
func numberedPath(path string, n int) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-" + strconv.Itoa(n) + ext
}
