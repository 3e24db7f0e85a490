package encode

import (
	"encoding/binary"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
)

// Shape of the decoding benchmark: a 10 s 720p30 clip, the first
// benchClipShort frames of which give ffmpeg's start-up cost.
const (
	benchClipFrames = 300
	benchClipShort  = 60
)

// BenchmarkDecodePreview720p decodes a 720p30 H.264 stream (the moving
// synthetic scene, libx264 veryfast, 2 B-frames, 3 Mb/s) the way a preview
// tile does: every frame decoded, every other picture scaled to 320x180
// RGBA. Rounds alternate with the ffmpeg CLI decoding the same stream from
// an FLV file, `ffmpeg -threads 2 -i clip.flv -vf scale=320:180 -f null -`,
// which scales every frame (bicubic, staying in YUV). One op is one frame
// when b.N >= benchMinFrames; otherwise read the per-frame metrics.
// core@30fps is the fraction of one core a 30 fps stream costs.
func BenchmarkDecodePreview720p(b *testing.B) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		b.Fatal("install ffmpeg: apt-get install ffmpeg")
	}
	header, pkts := benchClip(b, 1280, 720)
	clip := filepath.Join(b.TempDir(), "clip.flv")
	if err := os.WriteFile(clip, flvFile(header, pkts), 0o644); err != nil {
		b.Fatal(err)
	}
	d := NewVideoDecoder(320, 180, nil)
	defer d.Close()
	dst := image.NewRGBA(image.Rect(0, 0, 320, 180))
	if _, err := d.Decode(header); err != nil {
		b.Fatal(err)
	}
	next, pictures, scaled := 0, 0, 0
	var scaling time.Duration
	decode := func(count int) {
		for range count {
			got, err := d.Decode(pkts[next%len(pkts)])
			if err != nil {
				b.Fatal(err)
			}
			next++
			if !got {
				continue
			}
			if pictures++; pictures%2 == 0 {
				t0 := time.Now()
				if err := d.Picture(dst); err != nil {
					b.Fatal(err)
				}
				scaling += time.Since(t0)
				scaled++
			}
		}
	}
	decode(benchWarmup)
	scaling, scaled = 0, 0

	n := max(b.N, benchMinFrames)
	var wall, cpu time.Duration
	var mallocs uint64
	var peerWall, peerCPU float64
	b.ReportAllocs()
	b.ResetTimer()
	b.StopTimer()
	for r := range benchRounds {
		count := n / benchRounds
		if r == benchRounds-1 {
			count = n - count*(benchRounds-1)
		}
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		cpu0 := processCPU()
		b.StartTimer()
		start := time.Now()
		decode(count)
		wall += time.Since(start)
		b.StopTimer()
		cpu += processCPU() - cpu0
		runtime.ReadMemStats(&m1)
		mallocs += m1.Mallocs - m0.Mallocs

		w, c := ffmpegDecodeRound(b, clip)
		peerWall += w / benchRounds
		peerCPU += c / benchRounds
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	cpuMs := ms(cpu) / float64(n)
	b.ReportMetric(ms(wall)/float64(n), "ms/frame")
	b.ReportMetric(cpuMs, "cpu-ms/frame")
	b.ReportMetric(cpuMs*30/1000, "core@30fps")
	b.ReportMetric(ms(scaling)/float64(max(scaled, 1)), "scale-ms/picture")
	b.ReportMetric(float64(mallocs)/float64(n), "allocs/frame")
	b.ReportMetric(peerWall, "ffmpeg-ms/frame")
	b.ReportMetric(peerCPU, "ffmpeg-cpu-ms/frame")
	b.ReportMetric(peerCPU*30/1000, "ffmpeg-core@30fps")
}

// benchClip encodes benchClipFrames frames of the moving scene at w×h.
func benchClip(b *testing.B, w, h int) (media.Packet, []media.Packet) {
	e, err := NewVideoEncoder(VideoConfig{Width: w, Height: h, FPS: 30, Bitrate: 3_000_000, KeyInt: 2 * time.Second,
		Preset: "veryfast", BFrames: 2, Encoder: EncoderX264}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var c collector
	for i := range benchClipFrames {
		if err := e.Encode(movingYCbCr(w, h, i), time.Duration(i)*time.Second/30, c.emit); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Flush(c.emit); err != nil {
		b.Fatal(err)
	}
	return e.SequenceHeader(), c.pkts
}

// ffmpegDecodeRound runs the reference command over benchClipShort frames
// and over the whole clip, and returns the difference per frame: wall and
// CPU milliseconds without ffmpeg's start-up.
func ffmpegDecodeRound(b *testing.B, clip string) (wallMs, cpuMs float64) {
	ws, cs := runFFmpegDecode(b, clip, benchClipShort)
	wl, cl := runFFmpegDecode(b, clip, benchClipFrames)
	const frames = benchClipFrames - benchClipShort
	return float64((wl - ws).Microseconds()) / 1000 / frames, float64((cl - cs).Microseconds()) / 1000 / frames
}

func runFFmpegDecode(b *testing.B, clip string, frames int) (wall, cpu time.Duration) {
	cmd := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
		"-threads", "2", "-i", clip, "-vf", "scale=320:180", "-frames:v", strconv.Itoa(frames), "-f", "null", "-")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	return time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// flvFile is a video-only FLV file of the header and packets, timestamps
// shifted so that the first DTS is 0.
func flvFile(header media.Packet, pkts []media.Packet) []byte {
	shift := int64(0)
	for _, p := range pkts {
		shift = max(shift, -p.DTS)
	}
	out := []byte{'F', 'L', 'V', 1, 1, 0, 0, 0, 9, 0, 0, 0, 0}
	for _, p := range append([]media.Packet{header}, pkts...) {
		if !p.Header {
			p.DTS, p.PTS = p.DTS+shift, p.PTS+shift
		}
		body := flv.AppendPayload(nil, &p)
		ts := uint32(p.DTS)
		out = append(out, 9, byte(len(body)>>16), byte(len(body)>>8), byte(len(body)),
			byte(ts>>16), byte(ts>>8), byte(ts), byte(ts>>24), 0, 0, 0)
		out = append(out, body...)
		out = binary.BigEndian.AppendUint32(out, uint32(11+len(body)))
	}
	return out
}
