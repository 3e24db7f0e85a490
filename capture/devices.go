package capture

import (
	"cmp"
	"log/slog"
	"math"
	"slices"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/prop"
)

// DeviceKind says what a Device captures.
type DeviceKind string

// The kinds of Device.
const (
	// KindCamera is a video camera (pion's v4l2 driver on Linux).
	KindCamera DeviceKind = "camera"
	// KindMicrophone is an audio input (pion's miniaudio driver).
	KindMicrophone DeviceKind = "microphone"
	// KindScreen is a display to capture (pion's X11 driver on Linux).
	KindScreen DeviceKind = "screen"
	// KindDesktopAudio is what the computer plays: a PulseAudio or
	// PipeWire monitor source (miniaudio lists it as a capture device
	// named SINK.monitor), kept apart from the microphones.
	KindDesktopAudio DeviceKind = "desktop audio"
	// KindTest is the built-in test pattern or test tone.
	KindTest DeviceKind = "test"
)

// Mode is one picture size and frame rate a video device offers. FPS is 0
// when the device does not say.
type Mode struct {
	Width, Height int
	FPS           float64
}

// Device is one capture device, as listed by ListDevices.
type Device struct {
	Kind  DeviceKind
	ID    string // stable across runs, e.g. "video0"
	Label string // human-readable name
	Spec  string // what to pass to OpenVideo or OpenAudio
	Modes []Mode // video modes, largest first; empty when unknown
}

// testDevices are the built-in sources, always present.
var testDevices = []Device{
	{Kind: KindTest, ID: "pattern", Spec: "test", Label: "test pattern: colour bars, clock, frame counter, white flash every second (any size)"},
	{Kind: KindTest, ID: "tone", Spec: "test", Label: "test tone: 1 kHz beep for the first 100 ms of every second"},
}

// modeCache remembers the modes of devices seen closed, so a device that a
// source is using still lists its modes. Guarded by driversMu.
var modeCache = map[driver.Driver][]Mode{}

// ListDevices lists cameras (with their modes), microphones, screens and
// the built-in test pattern and tone. A machine with no devices gets just
// the test entries. A device that cannot be opened to read its modes is
// listed without them, and the reason is logged.
func ListDevices(log *slog.Logger) ([]Device, error) {
	log = orDiscard(log)
	var out []Device
	for _, kind := range []DeviceKind{KindCamera, KindMicrophone, KindDesktopAudio, KindScreen} {
		for _, d := range pionDevices(kind) {
			dev := Device{Kind: kind, ID: d.id, Label: d.label, Spec: specPrefix(kind) + ":" + d.id}
			if kind == KindCamera || kind == KindScreen {
				dev.Modes = deviceModes(d, log)
			}
			out = append(out, dev)
		}
	}
	return append(out, testDevices...), nil
}

// specPrefix is the word that opens a device of kind.
func specPrefix(kind DeviceKind) string {
	switch kind {
	case KindMicrophone:
		return "mic"
	case KindDesktopAudio:
		return "desktop"
	}
	return string(kind)
}

// deviceModes opens a closed driver briefly to read its properties.
func deviceModes(d pionDevice, log *slog.Logger) []Mode {
	driversMu.Lock()
	defer driversMu.Unlock()
	if d.drv.Status() != driver.StateClosed {
		return modeCache[d.drv]
	}
	if err := d.drv.Open(); err != nil {
		log.Warn("cannot open device to list its modes", "device", d.kind, "id", d.id, "err", err)
		return nil
	}
	modes := videoModes(d.drv.Properties())
	if err := d.drv.Close(); err != nil {
		log.Warn("closing device after listing its modes", "device", d.kind, "id", d.id, "err", err)
	}
	modeCache[d.drv] = modes
	return modes
}

// videoModes turns pion properties into distinct modes, largest first.
func videoModes(props []prop.Media) []Mode {
	var modes []Mode
	for _, p := range props {
		m := Mode{Width: p.Width, Height: p.Height, FPS: roundFPS(p.FrameRate)}
		if m.Width > 0 && m.Height > 0 && !slices.Contains(modes, m) {
			modes = append(modes, m)
		}
	}
	slices.SortFunc(modes, func(a, b Mode) int {
		if c := cmp.Compare(b.Width*b.Height, a.Width*a.Height); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Width, a.Width); c != 0 {
			return c
		}
		return cmp.Compare(b.FPS, a.FPS)
	})
	return modes
}

// roundFPS turns pion's float32 rate into a tidy float64 (29.97, not
// 29.969999313354492).
func roundFPS(f float32) float64 {
	return math.Round(float64(f)*1000) / 1000
}
