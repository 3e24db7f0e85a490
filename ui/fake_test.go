package ui

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/program"
	"github.com/seed7c1a73c4/onair/app/scene"

	"github.com/seed7c1a73c4/onair/app"
)

// fakeStudio is a Studio whose snapshot the test sets; it records every
// command. Function fields, when set, answer the calls that return values.
type fakeStudio struct {
	mu        sync.Mutex
	snap      app.StudioSnapshot
	dests     []dest.Destination
	services  []dest.Service
	preview   *program.FrameMailbox
	keys      map[string]string
	calls     []string
	watching  map[string]int // WatchIncoming calls minus stops, per stream
	stopped   map[string]int // stop calls per stream
	watchLink string
	scenes    scene.Collection
	// showInSceneErr is what ShowInScene returns.
	showInSceneErr error

	applyOutput     func(program.OutputConfig) error
	saveDestination func(dest.Destination) error
	watch           func(name string) *program.FrameMailbox
}

// testWatchKey is the play key of the fake's watch link.
const testWatchKey = "W4TCH-full-play-key-0003"

func newFakeStudio(snap app.StudioSnapshot) *fakeStudio {
	link := ""
	if snap.Server.WatchURL != "" {
		link = snap.Server.WatchURL + "?key=" + testWatchKey
	}
	return &fakeStudio{
		watchLink: link,
		snap:      snap,
		services:  testServices(),
		preview:   program.NewFrameMailbox(640, 360),
		keys:      map[string]string{"k1": "k3F9-full-publish-key-0001", "k2": "Qm7x-full-publish-key-0002"},
		watching:  map[string]int{},
		stopped:   map[string]int{},
	}
}

func (f *fakeStudio) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// Calls returns the recorded commands.
func (f *fakeStudio) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeStudio) setSnapshot(s app.StudioSnapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = s
}

func (f *fakeStudio) Snapshot() app.StudioSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap
}

func (f *fakeStudio) GoLive() { f.record("GoLive") }
func (f *fakeStudio) Stop()   { f.record("Stop") }
func (f *fakeStudio) ForwardIncoming(stream string, ids []string) {
	f.record("ForwardIncoming(%s,%s)", stream, strings.Join(ids, ","))
}
func (f *fakeStudio) StopForward(stream string) { f.record("StopForward(%s)", stream) }
func (f *fakeStudio) ShowInScene(stream string) error {
	f.record("ShowInScene(%s)", stream)
	return f.showInSceneErr
}
func (f *fakeStudio) StartRecording()                    { f.record("StartRecording") }
func (f *fakeStudio) StopRecording()                     { f.record("StopRecording") }
func (f *fakeStudio) ReconnectNow(id string)             { f.record("ReconnectNow(%s)", id) }
func (f *fakeStudio) SetVideoSource(s string)            { f.record("SetVideoSource(%s)", s) }
func (f *fakeStudio) SetAudioSource(s string)            { f.record("SetAudioSource(%s)", s) }
func (f *fakeStudio) SetMixGain(name string, db float64) { f.record("SetMixGain(%s,%.1f)", name, db) }
func (f *fakeStudio) SetMixMuted(name string, m bool)    { f.record("SetMixMuted(%s,%v)", name, m) }
func (f *fakeStudio) AddMixSource(spec string)           { f.record("AddMixSource(%s)", spec) }
func (f *fakeStudio) RemoveMixSource(name string)        { f.record("RemoveMixSource(%s)", name) }

func (f *fakeStudio) Scenes() scene.Collection {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.scenes.Clone()
}

func (f *fakeStudio) SaveScenes(c scene.Collection) error {
	if err := c.Validate(); err != nil {
		return err
	}
	data, _ := c.Marshal()
	f.record("SaveScenes(%s)", strings.Join(strings.Fields(string(data)), " "))
	f.mu.Lock()
	f.scenes = c.Clone()
	f.mu.Unlock()
	return nil
}

func (f *fakeStudio) SwitchScene(name string, fade time.Duration) {
	f.record("SwitchScene(%s,%v)", name, fade)
}
func (f *fakeStudio) SetMuted(m bool)             { f.record("SetMuted(%v)", m) }
func (f *fakeStudio) SetGain(db float64)          { f.record("SetGain(%.1f)", db) }
func (f *fakeStudio) RemoveDestination(id string) { f.record("RemoveDestination(%s)", id) }
func (f *fakeStudio) SetDestinationEnabled(id string, on bool) {
	f.record("SetDestinationEnabled(%s,%v)", id, on)
}
func (f *fakeStudio) Services() []dest.Service       { return f.services }
func (f *fakeStudio) SetLocalServer(on, lan bool)    { f.record("SetLocalServer(%v,%v)", on, lan) }
func (f *fakeStudio) SetLocalServerPort(port int)    { f.record("SetLocalServerPort(%d)", port) }
func (f *fakeStudio) GenerateServerKey()             { f.record("GenerateServerKey") }
func (f *fakeStudio) RevokeServerKey(id string)      { f.record("RevokeServerKey(%s)", id) }
func (f *fakeStudio) Preview() *program.FrameMailbox { return f.preview }

func (f *fakeStudio) ApplyOutput(o program.OutputConfig) error {
	f.record("ApplyOutput")
	if f.applyOutput != nil {
		return f.applyOutput(o)
	}
	return nil
}

func (f *fakeStudio) Destinations() []dest.Destination {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]dest.Destination(nil), f.dests...)
}

func (f *fakeStudio) SaveDestination(d dest.Destination) error {
	f.record("SaveDestination(%s)", d.Name)
	if f.saveDestination != nil {
		return f.saveDestination(d)
	}
	return nil
}

func (f *fakeStudio) RevealServerKey(id string) string {
	f.record("RevealServerKey(%s)", id)
	return f.keys[id]
}

func (f *fakeStudio) WatchLink() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.watchLink
}

func (f *fakeStudio) WatchIncoming(name string) (*program.FrameMailbox, func()) {
	f.mu.Lock()
	f.watching[name]++
	f.mu.Unlock()
	var box *program.FrameMailbox
	if f.watch != nil {
		box = f.watch(name)
	}
	var once sync.Once
	return box, func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.watching[name]--
			f.stopped[name]++
		})
	}
}

// watchState returns live watchers and stop calls for a stream.
func (f *fakeStudio) watchState(name string) (watching, stopped int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.watching[name], f.stopped[name]
}

// solidBox is a w×h mailbox holding one frame of colour c.
func solidBox(w, h int, c color.RGBA) *program.FrameMailbox {
	box := program.NewFrameMailbox(w, h)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	box.Put(img)
	return box
}
