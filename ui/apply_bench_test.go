package ui

import (
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
)

// BenchmarkApplyLive measures one snapshot apply on the UI goroutine while
// live with two destinations and two incoming streams: the work the poller
// hands the UI 5 times a second.
func BenchmarkApplyLive(b *testing.B) {
	s := liveSnapshot()
	s.Server = serverSnapshot().Server
	f := newFakeStudio(s)
	w := newTestWindow(b, f)
	w.tabs.SelectIndex(2)
	b.ReportAllocs()
	for i := range b.N {
		s.LiveSince = s.LiveSince.Add(-time.Second)
		s.OutputFPS = 29 + float64(i%2)
		s.CPUPercent = 80 + float64(i%7)
		for j := range s.Destinations {
			s.Destinations[j].Bitrate += 1000
			s.Destinations[j].BytesSent += 500_000
		}
		for j := range s.Server.Streams {
			s.Server.Streams[j].Uptime += time.Second
			s.Server.Streams[j].Bitrate += 1000
			s.Server.Streams[j].Levels = capture.Levels{RMS: []float64{-30 + float64(i%5), -30}, Peak: []float64{-20, -20 + float64(i%3)}}
		}
		w.apply(s)
	}
}
