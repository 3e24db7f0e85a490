package app

import (
	"slices"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// Snapshot returns everything the window shows. It is cheap and safe from
// any goroutine.
func (s *Studio) Snapshot() StudioSnapshot {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.settings
	snap := StudioSnapshot{
		Video: st.Video, Audio: st.Audio, Output: st.Output, Muted: st.Muted, GainDB: st.GainDB,
		Scenes:    sceneNames(st.Scenes),
		OutputFPS: s.fps.PerSecond(now), EncoderIdle: s.prog != nil && !s.prog.Encoding(), CPUPercent: s.cpu.Percent(), Error: s.lastErr,
		Server:    s.serverStatusLocked(),
		Recording: s.recordingStatusLocked(),
	}
	snap.VideoSources, snap.AudioSources = deviceOptions(s.devices)
	if s.prog != nil {
		snap.Video, snap.Audio = s.prog.Sources()
		if snap.Video == sceneVideo {
			if sc, err := st.Scenes.Find(""); err == nil {
				snap.Scene = sc.Name
			}
		}
		snap.Levels = s.prog.Levels()
		for _, in := range s.prog.SourceLevels() {
			snap.Mix = append(snap.Mix, MixSource{Name: in.Name, Levels: in.Levels, GainDB: in.GainDB, Muted: in.Muted, Err: in.Err})
		}
		snap.FramesDropped = s.prog.Counters().FramesDropped
	}
	running := map[string]dest.Status{}
	if s.live != nil {
		snap.Live, snap.LiveSince = true, s.live.since
		snap.Connecting = len(s.live.runners) > 0
		for _, r := range s.live.runners {
			ds := r.Status(now)
			running[ds.ID] = ds
			if ds.State == dest.StateLive {
				snap.Connecting = false
			}
		}
	}
	for _, d := range st.Destinations {
		ds, ok := running[d.ID]
		if !ok {
			ds = dest.Status{ID: d.ID, Name: d.Name, Service: d.Service, URL: redactedServer(d), State: dest.StateIdle}
		}
		ds.Enabled = d.Enabled
		snap.Destinations = append(snap.Destinations, ds)
	}
	if s.server != nil {
		if s.progFeed != nil {
			snap.ProgramPlayURL = s.server.PlayURL(ProgramStream)
		}
		snap.Server.Streams = s.incomingStreams(s.server)
		for i := range snap.Server.Streams {
			if f := s.forwards[snap.Server.Streams[i].Name]; f != nil {
				st := f.Stats()
				snap.Server.Streams[i].Forwarding, snap.Server.Streams[i].ForwardNote = st.Destinations, st.Transcoding
			}
			for w := range s.watchers {
				if w.name == snap.Server.Streams[i].Name {
					snap.Server.Streams[i].Levels = w.levels()
				}
			}
		}
	}
	if snap.Error == "" && s.server == nil && s.serverErr != "" && !slices.ContainsFunc(st.Destinations, func(d dest.Destination) bool { return d.Enabled }) {
		snap.Error = s.nowhereToGoLocked() // said before Go Live is pressed, too
	}
	snap.Warnings = dest.Preflight(st.Output, st.Destinations, 0)
	needed, measured, warns := s.upload.Apply(snap.Destinations, st.Output, now)
	snap.UploadNeeded, snap.UploadMeasured = needed, measured
	snap.Warnings = append(snap.Warnings, warns...)
	return snap
}

// redactedServer is the destination's URL with any key masked.
func redactedServer(d dest.Destination) string {
	if t, err := rtmp.ParseTarget(d.Server, d.Key); err == nil {
		return t.Redacted()
	}
	return "(invalid URL)"
}

func secondsDur(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
