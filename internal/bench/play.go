package bench

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// LoadConfig configures RunLoad, the load generator that `onair bench
// play` runs against any RTMP server.
type LoadConfig struct {
	URL      string        // stream to play
	Players  int           // concurrent players
	Duration time.Duration // how long each player counts, from its first video frame
	// FPS is the expected video frame rate; 0 takes it from onMetaData.
	FPS float64
	// Ramp spreads the players' starts over this long (0: all at once).
	Ramp    time.Duration
	Options rtmp.PlayerOptions
}

// PlayerResult is what one load-generator player received.
type PlayerResult struct {
	Index       int           `json:"index"`
	VideoFrames int           `json:"video_frames"`
	AudioFrames int           `json:"audio_frames"`
	Bytes       uint64        `json:"bytes"`
	Expected    int           `json:"expected_frames"`
	Fraction    float64       `json:"fraction"` // video frames received / expected
	FirstFrame  time.Duration `json:"first_frame_ns"`
	LatencyP50  time.Duration `json:"latency_p50_ns"`
	LatencyP99  time.Duration `json:"latency_p99_ns"`
	Error       string        `json:"error,omitempty"`
	latencies   []time.Duration
	// caughtUp holds the latencies of the frames that arrived CatchUp or
	// more after the player's first frame.
	caughtUp []time.Duration
}

// CatchUp is how long after its first frame a player's latencies count as
// caught up: a player that joins a live stream first gets the server's
// cached GOP (up to a keyframe interval of video at once), and the frames
// published meanwhile wait behind it.
const CatchUp = 2 * time.Second

// LoadReport sums up a load run.
type LoadReport struct {
	Players     []PlayerResult `json:"players"`
	Sustained   int            `json:"sustained"` // players with at least 99% of the frames
	MinFraction float64        `json:"min_fraction"`
	LatencyP50  time.Duration  `json:"latency_p50_ns"`
	LatencyP99  time.Duration  `json:"latency_p99_ns"`
	// CaughtUpP50 and CaughtUpP99 are the latencies of frames that arrived
	// CatchUp or more after their player's first frame: delivery once the
	// join is over.
	CaughtUpP50   time.Duration `json:"caught_up_latency_p50_ns"`
	CaughtUpP99   time.Duration `json:"caught_up_latency_p99_ns"`
	FirstFrameP50 time.Duration `json:"first_frame_p50_ns"`
	FirstFrameMax time.Duration `json:"first_frame_max_ns"`
	Bytes         uint64        `json:"bytes"`
}

// RunLoad starts cfg.Players players of cfg.URL and reports what each
// received. Latency is measured from the stamps AppendStamp writes (the
// `onair bench publish` stream carries them); without stamps it is zero.
func RunLoad(ctx context.Context, cfg LoadConfig) LoadReport {
	results := make([]PlayerResult, cfg.Players)
	var wg sync.WaitGroup
	for i := range cfg.Players {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if cfg.Ramp > 0 && cfg.Players > 1 {
				select {
				case <-time.After(cfg.Ramp * time.Duration(i) / time.Duration(cfg.Players-1)):
				case <-ctx.Done():
				}
			}
			results[i] = runLoadPlayer(ctx, cfg)
			results[i].Index = i
		}()
	}
	wg.Wait()
	return summarize(results)
}

func runLoadPlayer(ctx context.Context, cfg LoadConfig) (r PlayerResult) {
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	// A player looks at each packet and drops it: its buffers are reused,
	// so that the generator's own allocations do not slow the server it
	// shares the machine with.
	opts := cfg.Options
	opts.ReusePayloads = true
	p, err := rtmp.DialPlay(dctx, cfg.URL, opts)
	cancel()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer p.Close()
	stop := context.AfterFunc(ctx, func() { _ = p.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	fps := cfg.FPS
	var end time.Time
	var firstDTS int64
	_ = p.SetReadDeadline(time.Now().Add(15 * time.Second))
	for {
		pkt, err := p.ReadPacket()
		now := time.Now()
		if err != nil {
			if ctx.Err() == nil && (end.IsZero() || now.Before(end)) {
				r.Error = err.Error()
			}
			break
		}
		if !end.IsZero() && now.After(end) {
			break
		}
		r.Bytes += uint64(len(pkt.Data))
		switch {
		case pkt.Kind == media.KindData:
			if fps == 0 {
				if md, err := flv.ParseMetadata(pkt.Data, amf0.Limits{}); err == nil {
					fps = md.FrameRate
				}
			}
		case pkt.Header:
		case pkt.Kind == media.KindAudio:
			if !end.IsZero() {
				r.AudioFrames++
			}
		default:
			if end.IsZero() {
				r.FirstFrame = now.Sub(start)
				end = now.Add(cfg.Duration)
				firstDTS = pkt.DTS
				_ = p.SetReadDeadline(end.Add(5 * time.Second))
			}
			// Frames are counted over Duration of media time from the
			// first one, so the GOP-cache burst does not count twice.
			if pkt.DTS-firstDTS < cfg.Duration.Milliseconds() {
				r.VideoFrames++
			}
			// Frames sent before this player joined (the GOP cache) say
			// nothing about latency.
			if t, ok := h264.StampOf(pkt.Data); ok && t.After(start) {
				lat := now.Sub(t)
				r.latencies = append(r.latencies, lat)
				if now.Sub(start)-r.FirstFrame >= CatchUp {
					r.caughtUp = append(r.caughtUp, lat)
				}
			}
		}
	}
	r.Expected = int(fps*cfg.Duration.Seconds() + 0.5)
	if r.Expected > 0 {
		r.Fraction = float64(r.VideoFrames) / float64(r.Expected)
	}
	r.LatencyP50, r.LatencyP99 = percentile(r.latencies, 0.50), percentile(r.latencies, 0.99)
	return r
}

// percentile returns the p-th percentile of d (sorting it).
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(p*float64(len(d))+0.5) - 1
	return d[min(max(i, 0), len(d)-1)]
}

func summarize(results []PlayerResult) LoadReport {
	rep := LoadReport{Players: results, MinFraction: 1}
	var all, caughtUp, first []time.Duration
	for _, r := range results {
		if r.Fraction >= 0.99 && r.Error == "" {
			rep.Sustained++
		}
		rep.MinFraction = min(rep.MinFraction, r.Fraction)
		rep.Bytes += r.Bytes
		all = append(all, r.latencies...)
		caughtUp = append(caughtUp, r.caughtUp...)
		if r.Error == "" {
			first = append(first, r.FirstFrame)
		}
	}
	if len(results) == 0 {
		rep.MinFraction = 0
	}
	rep.LatencyP50, rep.LatencyP99 = percentile(all, 0.50), percentile(all, 0.99)
	rep.CaughtUpP50, rep.CaughtUpP99 = percentile(caughtUp, 0.50), percentile(caughtUp, 0.99)
	rep.FirstFrameP50, rep.FirstFrameMax = percentile(first, 0.50), percentile(first, 1)
	return rep
}
