//go:build interop

package main

import (
	"encoding/json"
	"net/http"
	"testing"
)

// serveStreamStats is what a test reads of a stream in onair serve's
// /api/streams.
type serveStreamStats struct {
	Name        string `json:"name"`
	VideoFrames uint64 `json:"video_frames"`
	Players     int    `json:"players"`
}

// serveStream returns a stream's entry in an onair serve's /api/streams,
// and false when it is not there (or the server does not answer).
func serveStream(tb testing.TB, httpAddr, name string) (serveStreamStats, bool) {
	tb.Helper()
	r, err := http.Get("http://" + httpAddr + "/api/streams")
	if err != nil {
		return serveStreamStats{}, false
	}
	defer r.Body.Close()
	var st struct {
		Streams []serveStreamStats `json:"streams"`
	}
	if err := json.NewDecoder(r.Body).Decode(&st); err != nil {
		return serveStreamStats{}, false
	}
	for _, s := range st.Streams {
		if s.Name == name {
			return s, true
		}
	}
	return serveStreamStats{}, false
}
