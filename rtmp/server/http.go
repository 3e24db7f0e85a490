package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// HTTPHandler serves the server's stats: GET /api/streams as JSON
// (Stats) and GET /metrics in the Prometheus text format.
func (s *Server) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/streams", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s.Stats())
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		writeMetrics(w, s.Stats())
	})
	return mux
}

// metric is one Prometheus metric family.
type metric struct {
	name, help, kind string
	value            func(StreamStats) float64
}

var streamMetrics = []metric{
	{"onair_stream_live", "1 while a publisher is attached.", "gauge", func(s StreamStats) float64 { return b2f(s.Live) }},
	{"onair_stream_uptime_seconds", "Seconds since the current publisher started.", "gauge", func(s StreamStats) float64 { return s.UptimeSeconds }},
	{"onair_stream_players", "Players of the stream.", "gauge", func(s StreamStats) float64 { return float64(s.Players) }},
	{"onair_stream_bitrate_in_bits", "Ingest bitrate over the last seconds.", "gauge", func(s StreamStats) float64 { return s.BitrateIn }},
	{"onair_stream_bitrate_out_bits", "Bitrate sent to all players over the last seconds.", "gauge", func(s StreamStats) float64 { return s.BitrateOut }},
	{"onair_stream_received_bytes_total", "Bytes received from the publisher.", "counter", func(s StreamStats) float64 { return float64(s.BytesIn) }},
	{"onair_stream_sent_bytes_total", "Bytes sent to players.", "counter", func(s StreamStats) float64 { return float64(s.BytesOut) }},
	{"onair_stream_video_frames_total", "Video frames received.", "counter", func(s StreamStats) float64 { return float64(s.VideoFrames) }},
	{"onair_stream_audio_frames_total", "Audio frames received.", "counter", func(s StreamStats) float64 { return float64(s.AudioFrames) }},
	{"onair_stream_dropped_frames_total", "Packets skipped for players that fell behind.", "counter", func(s StreamStats) float64 { return float64(s.DroppedFrames) }},
	{"onair_stream_rejected_frames_total", "Malformed media not passed on.", "counter", func(s StreamStats) float64 { return float64(s.RejectedFrames) }},
	{"onair_stream_timestamp_anomalies_total", "Timestamp jumps and unrelated track clocks that were re-based.", "counter", func(s StreamStats) float64 { return float64(s.TimestampAnomalies) }},
	{"onair_stream_video_fps", "Measured video frame rate.", "gauge", func(s StreamStats) float64 {
		if s.Video == nil {
			return 0
		}
		return s.Video.FPS
	}},
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func writeMetrics(w io.Writer, st Stats) {
	fmt.Fprintf(w, "# HELP onair_rtmp_connections Open RTMP connections.\n# TYPE onair_rtmp_connections gauge\nonair_rtmp_connections %d\n", st.Connections)
	for _, c := range []struct {
		name, help string
		v          uint64
	}{
		{"onair_rtmp_accepted_total", "Connections accepted.", st.Accepted},
		{"onair_rtmp_refused_total", "Connections refused over a connection limit.", st.Refused},
		{"onair_rtmp_auth_failures_total", "Publish or play attempts with a missing or wrong key.", st.AuthFailures},
		{"onair_rtmp_panics_total", "Connection handlers that panicked (each closed its connection only).", st.Panics},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", c.name, c.help, c.name, c.name, c.v)
	}
	for _, m := range streamMetrics {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.kind)
		for _, s := range st.Streams {
			fmt.Fprintf(w, "%s{stream=%s} %s\n", m.name, quoteLabel(s.Name), strconv.FormatFloat(m.value(s), 'g', -1, 64))
		}
	}
}

// quoteLabel quotes a label value as the exposition format wants.
func quoteLabel(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(v) + `"`
}
