package ui

import (
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/app/store"

	"fyne.io/fyne/v2/test"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/capture"
)

// fixedNow is the tests' clock: timers and countdowns are deterministic.
var fixedNow = time.Date(2025, 3, 14, 20, 0, 0, 0, time.UTC)

// testKey is a stream key that must never appear in rendered markup.
const testKey = "sk-live-SECRET-0123456789"

func testServices() []dest.Service {
	return []dest.Service{
		{ID: "youtube", Name: "YouTube", Server: "rtmp://a.rtmp.youtube.com/live2", MaxKeyInt: 4 * time.Second, KeyHelp: "YouTube Studio → Go live → Stream key."},
		{ID: "twitch", Name: "Twitch", Server: "rtmp://live.twitch.tv/app", KeyHelp: "Twitch dashboard → Settings → Stream."},
		{ID: "custom", Name: "Custom RTMP", KeyHelp: "Ask the server's operator for the key."},
	}
}

func testDestinations() []dest.Destination {
	return []dest.Destination{
		{ID: "yt", Name: "My YouTube", Service: "youtube", Server: "rtmp://a.rtmp.youtube.com/live2", Key: testKey, Enabled: true},
		{ID: "tw", Name: "Twitch", Service: "twitch", Server: "rtmp://live.twitch.tv/app", Key: "tw-" + testKey, Enabled: false},
	}
}

// idleSnapshot is a studio at rest: two destinations (one enabled), one
// pre-flight warning.
func idleSnapshot() app.StudioSnapshot {
	return app.StudioSnapshot{
		Video: "test", Audio: "tone",
		VideoSources: []app.SourceOption{{Spec: "test", Label: "Test pattern"}, {Spec: "camera:0", Label: "HD Webcam"}},
		AudioSources: []app.SourceOption{{Spec: "tone", Label: "Test tone"}, {Spec: "mic:default", Label: "Default microphone"}, {Spec: "none", Label: "No audio"}},
		Output:       program.DefaultOutput(),
		Levels:       capture.Levels{RMS: []float64{-24, -12}, Peak: []float64{-15, -4}},
		Destinations: []dest.Status{
			{ID: "yt", Name: "My YouTube", Service: "youtube", URL: "rtmp://a.rtmp.youtube.com/live2/" + store.Mask, Enabled: true, State: dest.StateIdle},
			{ID: "tw", Name: "Twitch", Service: "twitch", URL: "rtmp://live.twitch.tv/app/" + store.Mask, State: dest.StateIdle},
		},
		OutputFPS: 30, CPUPercent: 7,
		Server: app.LocalServerStatus{On: true, Addr: "127.0.0.1:1935", PublishURL: "rtmp://127.0.0.1:1935/live/NAME?key=" + store.Mask,
			Keys: []app.ServerKey{{ID: "k1", Masked: "k3F9…"}}},
		Warnings: []dest.Warning{{Destination: "My YouTube", Message: "The video bitrate 4500k is below what YouTube suggests for 1080p."}},
	}
}

// liveSnapshot is live for 1h02m03s to both destinations.
func liveSnapshot() app.StudioSnapshot {
	s := idleSnapshot()
	s.Live, s.LiveSince = true, fixedNow.Add(-(time.Hour + 2*time.Minute + 3*time.Second))
	s.Warnings = nil
	s.Destinations[0].State, s.Destinations[0].Bitrate, s.Destinations[0].BytesSent = dest.StateLive, 4_512_000, 2_000_000_000
	s.Destinations[1].Enabled, s.Destinations[1].State, s.Destinations[1].Bitrate, s.Destinations[1].Dropped = true, dest.StateLive, 3_020_000, 14
	s.OutputFPS, s.FramesDropped, s.CPUPercent = 29.97, 14, 38.5
	s.ProgramPlayURL = "rtmp://127.0.0.1:1935/live/program"
	return s
}

// errorSnapshot: Twitch refused the key; YouTube stays live.
func errorSnapshot() app.StudioSnapshot {
	s := liveSnapshot()
	s.Destinations[1].State, s.Destinations[1].Bitrate = dest.StateError, 0
	s.Destinations[1].LastError = "Twitch refused the stream key: copy it again from the Twitch dashboard."
	return s
}

// reconnectingSnapshot: Twitch retries in 6.2 s (shown as 7 s).
func reconnectingSnapshot() app.StudioSnapshot {
	s := liveSnapshot()
	s.Destinations[1].State, s.Destinations[1].Bitrate, s.Destinations[1].Reconnects = dest.StateReconnecting, 0, 2
	s.Destinations[1].Reached = true
	s.Destinations[1].RetryAt = fixedNow.Add(6200 * time.Millisecond)
	s.Destinations[1].LastError = "The connection to live.twitch.tv was reset."
	return s
}

// serverSnapshot: the local server with two incoming streams (and the
// program, which gets no tile).
func serverSnapshot() app.StudioSnapshot {
	s := idleSnapshot()
	s.Server.LAN = true
	s.Server.Addr, s.Server.Hosts = "192.168.1.10:1935", []string{"192.168.1.10"}
	s.Server.PublishURL = "rtmp://192.168.1.10:1935/live/NAME?key=" + store.Mask
	s.Server.WatchURL = "http://192.168.1.10:1936/"
	s.Server.Keys = append(s.Server.Keys, app.ServerKey{ID: "k2", Masked: "Qm7x…"})
	s.Server.Streams = []app.IncomingStream{
		{Name: "live/cam", Codec: "H.264 Main / AAC", Width: 1280, Height: 720, FPS: 30, Bitrate: 2_500_000, Publisher: "192.168.1.23:50122",
			Uptime: 5*time.Minute + 12*time.Second, Players: 1, PlayURL: "rtmp://192.168.1.10:1935/live/cam",
			Levels: capture.Levels{RMS: []float64{-30, -30}, Peak: []float64{-20, -20}}},
		{Name: "live/program", Codec: "H.264 High / AAC", Width: 1280, Height: 720, FPS: 30},
		{Name: "live/obs", Codec: "H.264 High / AAC", Width: 1920, Height: 1080, FPS: 60, Bitrate: 6_000_000, Publisher: "192.168.1.40:61001",
			Uptime: time.Hour + 30*time.Second, Players: 0, PlayURL: "rtmp://192.168.1.10:1935/live/obs",
			Levels: capture.Levels{RMS: []float64{-10, -8}, Peak: []float64{-3, 0}, Clipped: true}},
	}
	return s
}

// inline runs f at once: in render tests the test goroutine is the UI goroutine.
func inline(f func()) { f() }

// newTestWindow builds a window on a test app with the fixed clock; no
// goroutine is started, so the test drives apply and tick itself.
func newTestWindow(t testing.TB, f *fakeStudio) *Window {
	t.Helper()
	return newTestWindowWith(t, f, Options{})
}

// newTestWindowWith is newTestWindow with options (its clock is fixed).
func newTestWindowWith(t testing.TB, f *fakeStudio, opts Options) *Window {
	t.Helper()
	a := test.NewTempApp(t)
	opts.Clock = func() time.Time { return fixedNow }
	w := newWindow(a, f, opts, inline)
	t.Cleanup(w.Close)
	return w
}

// poll applies the fake's current snapshot, as the poller would.
func (w *Window) pollForTest() { w.apply(w.s.Snapshot()) }
