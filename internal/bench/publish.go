package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// PublishConfig configures Publish.
type PublishConfig struct {
	URL, Key string
	Output   program.OutputConfig
	Duration time.Duration // how long to publish (0: until ctx ends)
	Clip     time.Duration // length of the pre-encoded loop (default 2 GOPs)
	CAFile   string
}

// PublishStats is what Publish sent.
type PublishStats struct {
	VideoFrames, AudioFrames int
	Bytes                    uint64
	Late                     int // packets sent more than 50 ms after their time
}

// Publish encodes a short clip of the test pattern and tone once, then
// publishes it in a loop, paced in real time, with the wall-clock send time
// stamped into every video frame (h264.AppendStamp). The load generator
// (`onair bench play`) reads the stamps to measure latency through any
// server. Encoding up front keeps the encoder's CPU out of server
// measurements.
func Publish(ctx context.Context, cfg PublishConfig, log *slog.Logger) (PublishStats, error) {
	var st PublishStats
	if cfg.Clip <= 0 {
		cfg.Clip = 2 * cfg.Output.KeyInt
	}
	headers, frames, err := encodeClip(cfg.Output, cfg.Clip, log)
	if err != nil {
		return st, err
	}
	t, err := rtmp.ParseTarget(cfg.URL, cfg.Key)
	if err != nil {
		return st, err
	}
	pub, err := rtmp.Dial(ctx, t, rtmp.PublisherOptions{CAFile: cfg.CAFile, Log: log})
	if err != nil {
		return st, err
	}
	defer pub.Close()
	o := cfg.Output
	if err := pub.WriteMetadata(media.Metadata{Width: o.Width, Height: o.Height, FrameRate: float64(o.FPS),
		VideoBitrate: o.VideoBitrate, AudioBitrate: o.AudioBitrate, AudioSampleRate: 48000, AudioChannels: 2,
		HasVideo: true, HasAudio: true, Encoder: "OnAir Studio bench"}); err != nil {
		return st, err
	}
	for i := range headers {
		if err := pub.WritePacket(&headers[i]); err != nil {
			return st, err
		}
	}
	padToBitrate(frames, o.VideoBitrate, o.FPS)
	clipMS := cfg.Clip.Milliseconds()
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for loop := int64(0); ; loop++ {
		for _, p := range frames {
			p.DTS += loop * clipMS
			p.PTS += loop * clipMS
			if cfg.Duration > 0 && time.Duration(p.DTS)*time.Millisecond >= cfg.Duration {
				return st, nil
			}
			due := start.Add(time.Duration(p.DTS) * time.Millisecond)
			if d := time.Until(due); d > 0 {
				timer.Reset(d)
				select {
				case <-ctx.Done():
					return st, nil
				case <-timer.C:
				}
			} else if d < -50*time.Millisecond {
				st.Late++
			}
			if ctx.Err() != nil {
				return st, nil
			}
			if p.Kind == media.KindVideo {
				p.Data = h264.AppendStamp(p.Data, time.Now())
				st.VideoFrames++
			} else {
				st.AudioFrames++
			}
			if err := pub.WritePacket(&p); err != nil {
				return st, err
			}
			st.Bytes += uint64(len(p.Data))
		}
	}
}

// encodeClip runs the program (test pattern and tone) for clip and returns
// its sequence headers and its media, starting at a keyframe at time 0.
func encodeClip(o program.OutputConfig, clip time.Duration, log *slog.Logger) (headers, frames []media.Packet, err error) {
	prog, err := program.Open(program.Config{Video: "test", Audio: "test", Output: o, Duration: clip}, capture.NewClock(), log)
	if err != nil {
		return nil, nil, err
	}
	if err := prog.Start(); err != nil {
		prog.Close()
		return nil, nil, err
	}
	q := prog.Hub().Subscribe(media.QueueLimits{MaxPackets: 1 << 16, MaxBytes: 1 << 30})
	chClosed := make(chan struct{})
	go func() { // Close flushes the encoders into the hub, then closes it.
		defer close(chClosed)
		<-prog.Done()
		prog.Close()
	}()
	defer func() { <-chClosed }()
	ctx, cancel := context.WithTimeout(context.Background(), clip+30*time.Second)
	defer cancel()
	for {
		p, err := q.Pop(ctx)
		if errors.Is(err, media.ErrQueueClosed) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("encoding the benchmark clip: %w", err)
		}
		switch {
		case p.Kind == media.KindData:
		case p.Header:
			headers = append(headers, p)
		default:
			frames = append(frames, p)
		}
	}
	if err := prog.Err(); err != nil {
		return nil, nil, err
	}
	if len(frames) == 0 || frames[0].Kind != media.KindVideo || !frames[0].Key {
		return nil, nil, errors.New("the benchmark clip does not start with a keyframe")
	}
	return headers, frames, nil
}

// padToBitrate appends a filler NAL unit (type 12) to every video frame
// smaller than the average frame size of bitrate, so that the benchmark
// stream carries the bytes of a real 4.5 Mb/s camera feed even though the
// test pattern compresses far better.
func padToBitrate(frames []media.Packet, bitrate, fps int) {
	target := bitrate / 8 / fps
	for i := range frames {
		p := &frames[i]
		if p.Kind != media.KindVideo || len(p.Data)+6 >= target {
			continue
		}
		d := append(make([]byte, 0, target), p.Data...)
		p.Data = h264.AppendFillerNAL(d, target-len(p.Data)-4)
	}
}
