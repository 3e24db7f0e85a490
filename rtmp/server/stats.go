package server

import (
	"slices"
	"time"
)

// rateWindow is how many whole seconds a stream's bitrates average over.
const rateWindow = 5

// VideoStats describes a stream's video as its publisher sends it.
type VideoStats struct {
	Codec      string  `json:"codec"`
	Profile    string  `json:"profile"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	FPS        float64 `json:"fps"`         // measured from the timestamps
	GOPFrames  uint64  `json:"gop_frames"`  // frames in the last complete GOP
	GOPSeconds float64 `json:"gop_seconds"` // duration of the last complete GOP
}

// AudioStats describes a stream's audio.
type AudioStats struct {
	Codec      string `json:"codec"`
	SampleRate int    `json:"sample_rate"`
	Channels   int    `json:"channels"`
}

// StreamStats is a snapshot of one stream of the server.
type StreamStats struct {
	Name string `json:"name"` // app/name
	Live bool   `json:"live"` // a publisher is attached
	// Session tells publish sessions of one name apart: a name published
	// again (after its publisher left) has a new one. A publisher taking
	// over a silent one continues its session.
	Session            uint64      `json:"session"`
	Publisher          string      `json:"publisher,omitempty"`
	UptimeSeconds      float64     `json:"uptime_seconds"`
	Video              *VideoStats `json:"video,omitempty"`
	Audio              *AudioStats `json:"audio,omitempty"`
	BitrateIn          float64     `json:"bitrate_in"`  // bits/s over the last seconds
	BitrateOut         float64     `json:"bitrate_out"` // bits/s to all players
	BytesIn            uint64      `json:"bytes_in"`
	BytesOut           uint64      `json:"bytes_out"`
	Players            int         `json:"players"`
	VideoFrames        uint64      `json:"video_frames"`
	AudioFrames        uint64      `json:"audio_frames"`
	DroppedFrames      uint64      `json:"dropped_frames"`  // skipped for players that fell behind
	RejectedFrames     uint64      `json:"rejected_frames"` // malformed input not passed on
	TimestampAnomalies uint64      `json:"timestamp_anomalies"`
}

// Stats is a snapshot of the server.
type Stats struct {
	Connections  int           `json:"connections"`
	Accepted     uint64        `json:"accepted"`
	Refused      uint64        `json:"refused"` // over a connection limit
	AuthFailures uint64        `json:"auth_failures"`
	Panics       uint64        `json:"panics"`
	Streams      []StreamStats `json:"streams"`
}

// Stats returns a snapshot of every stream, sorted by name.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	st := Stats{Connections: len(s.conns)}
	streams := make([]*liveStream, 0, len(s.streams))
	for _, ls := range s.streams {
		streams = append(streams, ls)
	}
	s.mu.Unlock()
	st.Accepted = s.counters.accepted.Load()
	st.Refused = s.counters.refused.Load()
	st.AuthFailures = s.counters.authFailures.Load()
	st.Panics = s.counters.panics.Load()
	now := time.Now()
	for _, ls := range streams {
		st.Streams = append(st.Streams, ls.stats(now))
	}
	slices.SortFunc(st.Streams, func(a, b StreamStats) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return st
}

func (ls *liveStream) stats(now time.Time) StreamStats {
	ls.mu.Lock()
	s := StreamStats{
		Name: ls.key, Live: ls.pub != nil, Session: ls.session, Publisher: ls.pubAddr,
		TimestampAnomalies: ls.tl.anomalies,
	}
	if ls.pub != nil {
		s.UptimeSeconds = now.Sub(ls.pubSince).Seconds()
	} else {
		s.Publisher = ""
	}
	if ls.info.videoCodec != "" {
		s.Video = &VideoStats{Codec: ls.info.videoCodec, Profile: ls.info.videoProfile, Width: ls.info.width,
			Height: ls.info.height, FPS: ls.gop.fps(), GOPFrames: ls.gop.gopFrames, GOPSeconds: float64(ls.gop.gopMillis) / 1000}
		if s.Video.FPS == 0 {
			s.Video.FPS = ls.info.spsFPS
		}
	}
	if ls.info.audioCodec != "" {
		s.Audio = &AudioStats{Codec: ls.info.audioCodec, SampleRate: ls.info.sampleRate, Channels: ls.info.channels}
	}
	ls.mu.Unlock()
	s.BitrateIn, s.BytesIn = 8*ls.in.PerSecond(now), ls.in.Total()
	s.BitrateOut, s.BytesOut = 8*ls.out.PerSecond(now), ls.out.Total()
	s.Players = ls.hub.Readers()
	s.VideoFrames, s.AudioFrames = ls.frames.video.Load(), ls.frames.audio.Load()
	s.DroppedFrames = ls.dropped.Load() + ls.hub.DroppedByReaders()
	s.RejectedFrames = ls.frames.rejected.Load()
	return s
}
