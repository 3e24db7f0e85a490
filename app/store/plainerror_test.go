package store

import "testing"

func TestPlainError(t *testing.T) {
	for in, want := range map[string]string{
		"cannot record to x.mp4: encode: creating the recording: open x.mp4: permission denied": "cannot record to x.mp4: creating the recording: open x.mp4: permission denied",
		"encode: the AAC encoder produced no AudioSpecificConfig":                               "the AAC encoder produced no AudioSpecificConfig",
		"YouTube: rtmp: publish rejected":                                                       "YouTube: publish rejected",
		"a: b\ncapture: no camera":                                                              "a: b\nno camera",
		"connection refused by rtmp://host:1935/live":                                           "connection refused by rtmp://host:1935/live",
		"the app: field": "the app: field",
	} {
		if got := PlainError(in); got != want {
			t.Errorf("PlainError(%q) = %q; want %q", in, got, want)
		}
	}
}
