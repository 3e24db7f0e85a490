package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/seed7c1a73c4/onair/app/program"

	"github.com/seed7c1a73c4/onair/app/store"

	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/internal/bench"
	"github.com/seed7c1a73c4/onair/rtmp"
)

const benchUsage = `usage: onair bench publish|play [flags]

  publish   publish a pre-encoded test stream, paced in real time, with send
            times stamped into the video (for latency)
  play      play a stream with N players and report what each received
`

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, benchUsage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, benchUsage)
		return 0
	case "publish":
		return runBenchPublish(ctx, args[1:], stdout, stderr)
	case "play":
		return runBenchPlay(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "onair: unknown bench command %q\n%s", args[0], benchUsage)
	return 2
}

func runBenchPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	secrets := &store.Secrets{}
	out := program.DefaultOutput()
	fs := flag.NewFlagSet("onair bench publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "rtmp[s]://host[:port]/app/name to publish to")
	key := fs.String("key", "", "stream key, when --url is the server only")
	fs.Var(sizeValue{&out.Width, &out.Height}, "size", "output size `WIDTHxHEIGHT`")
	fs.IntVar(&out.FPS, "fps", out.FPS, "frame rate")
	fs.Var(bitrateValue{&out.VideoBitrate}, "video-bitrate", "video `bitrate`, e.g. 4500k or 6M")
	duration := fs.Duration("duration", 60*time.Second, "how long to publish (0: until Ctrl-C)")
	logLevel := logLevelFlag(fs, "warn")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	registerURLSecrets(secrets, *url)
	secrets.Add(*key)
	log, err := newLogger(stderr, *logLevel, secrets)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	encode.RouteLibavLog(log)
	if err := out.Validate(); err != nil {
		return fail(stderr, secrets, err)
	}
	st, err := bench.Publish(ctx, bench.PublishConfig{URL: *url, Key: *key, Output: out, Duration: *duration}, log)
	if err != nil {
		return fail(stderr, secrets, err)
	}
	fmt.Fprintf(stdout, "published %d video and %d audio frames, %d bytes; %d packets sent more than 50 ms late\n",
		st.VideoFrames, st.AudioFrames, st.Bytes, st.Late)
	return 0
}

// benchPlayGCPercent is the Go collector's target for `onair bench play`
// unless $GOGC says otherwise. Every frame each player reads is new garbage
// (200 players of a 4.7 Mb/s stream make over 100 MB a second), and at the
// default target the load generator collected so often that its own pauses
// and assists were most of the caught-up p99 it measured (14 ms against
// 10 ms at 400, same server, one run each). A load generator should
// measure the server, not itself; its live heap is small.
const benchPlayGCPercent = 400

func runBenchPlay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	setGCPercent(benchPlayGCPercent)
	secrets := &store.Secrets{}
	fs := flag.NewFlagSet("onair bench play", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "rtmp[s]://host[:port]/app/name to play")
	players := fs.Int("players", 10, "concurrent players")
	duration := fs.Duration("duration", 30*time.Second, "how long each player counts frames, from its first video frame")
	fps := fs.Float64("fps", 0, "expected frame rate (0: from the stream's metadata)")
	ramp := fs.Duration("ramp", 0, "spread the players' starts over this long")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	registerURLSecrets(secrets, *url)
	if *players < 1 || *players > 10000 {
		return fail(stderr, secrets, fmt.Errorf("--players %d is outside 1 to 10000", *players))
	}
	if _, err := rtmp.ParseTarget(*url, ""); err != nil {
		return fail(stderr, secrets, err)
	}
	rep := bench.RunLoad(ctx, bench.LoadConfig{URL: *url, Players: *players, Duration: *duration, FPS: *fps, Ramp: *ramp})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		for _, p := range rep.Players {
			line := fmt.Sprintf("player %3d: %5d/%d frames (%.1f%%), %d audio, %.1f MB, first frame %s, latency p50 %s p99 %s",
				p.Index, p.VideoFrames, p.Expected, p.Fraction*100, p.AudioFrames, float64(p.Bytes)/1e6,
				p.FirstFrame.Round(time.Millisecond), p.LatencyP50.Round(100*time.Microsecond), p.LatencyP99.Round(100*time.Microsecond))
			if p.Error != "" {
				line += " error: " + secrets.Redact(p.Error)
			}
			fmt.Fprintln(stdout, line)
		}
		fmt.Fprintf(stdout, "%d of %d players got at least 99%% of the frames (lowest %.1f%%); latency p50 %s p99 %s (caught up, %s after the first frame: p50 %s p99 %s); first frame p50 %s max %s; %.1f MB\n",
			rep.Sustained, len(rep.Players), rep.MinFraction*100, rep.LatencyP50.Round(100*time.Microsecond), rep.LatencyP99.Round(100*time.Microsecond),
			bench.CatchUp, rep.CaughtUpP50.Round(100*time.Microsecond), rep.CaughtUpP99.Round(100*time.Microsecond),
			rep.FirstFrameP50.Round(time.Millisecond), rep.FirstFrameMax.Round(time.Millisecond), float64(rep.Bytes)/1e6)
	}
	if rep.Sustained < len(rep.Players) {
		return 1
	}
	return 0
}
