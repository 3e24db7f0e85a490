//go:build interop

package main

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/app"
	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// lumaWatcher plays an RTMP stream, decodes it, and notes when each
// picture arrived and how bright it is.
type lumaWatcher struct {
	mu     sync.Mutex
	frames []lumaFrame
}

type lumaFrame struct {
	at   time.Time
	luma float64
}

func watchLuma(t testing.TB, url string) *lumaWatcher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var p *rtmp.Player
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var err error
		if p, err = rtmp.DialPlay(ctx, url, rtmp.PlayerOptions{Timeout: 3 * time.Second}); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("playing %s: %v", url, err)
		}
	}
	t.Cleanup(func() { p.Close() })
	w := &lumaWatcher{}
	dec := encode.NewVideoDecoder(64, 36, nil)
	t.Cleanup(func() { dec.Close() })
	pic := image.NewRGBA(image.Rect(0, 0, 64, 36))
	go func() {
		for ctx.Err() == nil {
			pkt, err := p.ReadPacket()
			if err != nil {
				return
			}
			if pkt.Kind != media.KindVideo {
				continue
			}
			if got, err := dec.Decode(pkt); err != nil || !got || dec.Picture(pic) != nil {
				continue
			}
			sum := 0
			for i := 0; i < len(pic.Pix); i += 4 {
				sum += int(pic.Pix[i+1])
			}
			w.mu.Lock()
			w.frames = append(w.frames, lumaFrame{time.Now(), float64(sum) / float64(len(pic.Pix)/4)})
			w.mu.Unlock()
		}
	}()
	return w
}

// firstAfter returns when the first picture after since matched bright.
func (w *lumaWatcher) firstAfter(since time.Time, bright bool, timeout time.Duration) (time.Time, bool) {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		w.mu.Lock()
		for _, f := range w.frames {
			if f.at.After(since) && (f.luma > 200) == bright {
				w.mu.Unlock()
				return f.at, true
			}
		}
		w.mu.Unlock()
	}
	return time.Time{}, false
}

// BenchmarkInteropGUISceneSwitchLatency measures, in the window under
// Xvfb, the time from pressing a scene's key (xdotool) to the first
// changed picture at a player of live/program on the local server: two
// scenes, black and white, switched 6 times by keys 1 and 2. It reports
// the median and the worst. The player decodes as it receives, so the
// time includes the encoder's delay (x264's lookahead and B-frames) and
// the server's: the default output, then the same with zero latency.
func BenchmarkInteropGUISceneSwitchLatency(b *testing.B) {
	for _, zero := range []bool{false, true} {
		name := "default"
		if zero {
			name = "zerolatency"
		}
		b.Run(name, func(b *testing.B) { benchSceneSwitch(b, zero) })
	}
}

func benchSceneSwitch(b *testing.B, zeroLatency bool) {
	testpeer.Require(b, "xdotool")
	x := startXvfb(b)
	port := testpeer.FreePortPair(b)
	profile := b.TempDir()
	writeProfile(b, profile, func(st *app.Settings) {
		st.Server.On, st.Server.Port = true, port
		st.Output.ZeroLatency = zeroLatency
		st.Video = "scene"
		colour := func(name, c string) scene.Scene {
			return scene.Scene{Name: name, Layers: []scene.Layer{{Name: name, Source: scene.Source{Kind: scene.KindColor, Color: c}, Place: scene.Full}}}
		}
		st.Scenes = scene.Collection{Scenes: []scene.Scene{colour("Black", "#000000"), colour("White", "#FFFFFF")}, Current: "Black"}
	})
	startGUI(b, x, profile)
	win := x.studioWindow(b)
	w := watchLuma(b, fmt.Sprintf("rtmp://127.0.0.1:%d/live/program", port))
	if _, ok := w.firstAfter(time.Time{}, false, 15*time.Second); !ok {
		b.Fatal("no black picture at the player of live/program within 15 s")
	}
	press := func(key string) time.Time {
		cmd := exec.Command("xdotool", "windowfocus", "--sync", win, "key", key)
		cmd.Env = append(os.Environ(), "DISPLAY="+x.display)
		at := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("xdotool key %s: %v %s", key, err, out)
		}
		return at
	}
	var lat []time.Duration
	for i := 0; i < 6; i++ {
		time.Sleep(time.Second)
		key, bright := "2", true
		if i%2 == 1 {
			key, bright = "1", false
		}
		at := press(key)
		seen, ok := w.firstAfter(at, bright, 10*time.Second)
		if !ok {
			b.Fatalf("key %s: no changed picture at the player within 10 s", key)
		}
		lat = append(lat, seen.Sub(at))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "ms-median-switch")
	b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "ms-worst-switch")
	b.Logf("scene key to the first changed picture at a player of live/program: %v (median %v)", lat, lat[len(lat)/2])
}
