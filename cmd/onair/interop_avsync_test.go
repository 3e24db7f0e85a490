//go:build interop

package main

import (
	"context"
	"encoding/binary"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// flashTimes returns the presentation times of the white flash frames.
func flashTimes(t *testing.T, path string) []float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-f", "lavfi",
		"-i", "movie="+path+",scale=64:36,signalstats",
		"-show_entries", "frame=pts_time:frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0").Output()
	if err != nil {
		t.Fatalf("ffprobe signalstats: %v", err)
	}
	var flashes []float64
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 2 {
			continue
		}
		ts, err1 := strconv.ParseFloat(f[0], 64)
		y, err2 := strconv.ParseFloat(f[1], 64)
		if err1 == nil && err2 == nil && y > 200 {
			flashes = append(flashes, ts)
		}
	}
	return flashes
}

// beepOnsets decodes the audio and returns when each beep starts: the first
// loud sample after at least 0.5 s of silence (or after the start).
func beepOnsets(t *testing.T, path string) []float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	first, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", "a",
		"-show_entries", "frame=pts_time", "-read_intervals", "%+#1", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe first audio frame: %v", err)
	}
	start, err := strconv.ParseFloat(strings.TrimSpace(strings.Split(string(first), "\n")[0]), 64)
	if err != nil {
		t.Fatalf("first audio pts %q: %v", first, err)
	}
	pcm, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-nostdin", "-i", path, "-vn",
		"-ac", "1", "-ar", "48000", "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatalf("decoding audio: %v", err)
	}
	const rate = 48000
	var onsets []float64
	quiet := rate // before the stream starts counts as silence
	for i := 0; i+1 < len(pcm); i += 2 {
		s := int16(binary.LittleEndian.Uint16(pcm[i:]))
		if math.Abs(float64(s)) > 2000 {
			if quiet > rate/2 {
				onsets = append(onsets, start+float64(i/2)/rate)
			}
			quiet = 0
		} else {
			quiet++
		}
	}
	return onsets
}

// beepOffset returns how far the beep nearest to a flash at time at is from
// it (seconds; positive when the beep comes later).
func beepOffset(beeps []float64, at float64) float64 {
	best := math.Inf(1)
	for _, b := range beeps {
		if d := b - at; math.Abs(d) < math.Abs(best) {
			best = d
		}
	}
	return best
}

// TestInteropAVSync is acceptance 3: the flash and the beep line up within
// one frame at the start and again after 60 s.
func TestInteropAVSync(t *testing.T) {
	t.Parallel()
	c := publishCase{1280, 720, 30, "4500k"}
	out := publishAndRecord(t, c, 65*time.Second)
	flashes := flashTimes(t, out)
	beeps := beepOnsets(t, out)
	if len(flashes) < 60 || len(beeps) < 60 {
		t.Fatalf("found %d flashes and %d beeps in 65 s, want about 65 of each", len(flashes), len(beeps))
	}
	const frame = 1.0 / 30
	check := func(label string, flash float64) {
		best := beepOffset(beeps, flash)
		t.Logf("%s: flash at %.3f s, beep offset %+.1f ms", label, flash, best*1000)
		if math.Abs(best) > frame {
			t.Errorf("%s: beep is %+.1f ms from the flash at %.3f s, want within one frame (%.1f ms)",
				label, best*1000, flash, frame*1000)
		}
	}
	check("start", flashes[0])
	for _, f := range flashes {
		if f >= flashes[0]+60 {
			check("after 60 s", f)
			break
		}
	}
}
