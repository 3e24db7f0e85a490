package store

import (
	"regexp"
	"strings"
)

// packagePrefix is a Go package's prefix inside an error text ("encode: ",
// "rtmp: ", "capture: "), at its start or after another error's ": ".
var packagePrefix = regexp.MustCompile(`(^|: |\n)(?:encode|rtmp|capture): `)

// PlainError returns an error text as people read it: without the package
// prefixes that wrapped errors carry ("cannot record to x.mp4: encode:
// creating the recording: …" becomes "cannot record to x.mp4: creating the
// recording: …"). Everything shown or logged as an error goes through it.
func PlainError(msg string) string { return packagePrefix.ReplaceAllString(msg, "$1") }

// Sentence makes an error readable for the window: the first line of its
// PlainError form. Redaction is upstream's (Secrets).
func Sentence(err error) string {
	msg, _, _ := strings.Cut(PlainError(err.Error()), "\n")
	return msg
}
