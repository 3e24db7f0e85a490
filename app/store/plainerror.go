package store

import "regexp"

// packagePrefix is a Go package's prefix inside an error text ("encode: ",
// "rtmp: ", "capture: "), at its start or after another error's ": ".
var packagePrefix = regexp.MustCompile(`(^|: |\n)(?:encode|rtmp|capture): `)

// PlainError returns an error text as people read it: without the package
// prefixes that wrapped errors carry ("cannot record to x.mp4: encode:
// creating the recording: …" becomes "cannot record to x.mp4: creating the
// recording: …"). Everything shown or logged as an error goes through it.
func PlainError(msg string) string { return packagePrefix.ReplaceAllString(msg, "$1") }
