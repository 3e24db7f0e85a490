package capture

import (
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	// The pion drivers register themselves with the driver manager.
	_ "github.com/pion/mediadevices/pkg/driver/camera"
	_ "github.com/pion/mediadevices/pkg/driver/microphone"
	_ "github.com/pion/mediadevices/pkg/driver/screen"
)

// driversMu serialises every call that changes or reads a pion driver's
// state (Open, Close, Properties, Record): pion does not lock them.
var driversMu sync.Mutex

// pionDevice is a registered pion driver with the stable ID we show users.
// Pion's own driver IDs are random per process, so they are never shown.
type pionDevice struct {
	drv   driver.Driver
	kind  DeviceKind
	id    string // stable: camera "video0", microphone "hw:0,0", screen "0"
	label string // human-readable name
}

// nullMicID is miniaudio's null backend: a capture device that makes
// silence. It is listed but never chosen as the default microphone.
const nullMicID = "null"

// pionDevices lists the registered drivers of one kind, the system's
// preferred device first, then by ID.
func pionDevices(kind DeviceKind) []pionDevice {
	var t driver.DeviceType
	switch kind {
	case KindCamera:
		t = driver.Camera
	case KindMicrophone, KindDesktopAudio:
		t = driver.Microphone
	case KindScreen:
		t = driver.Screen
	default:
		return nil
	}
	var out []pionDevice
	for _, d := range driver.GetManager().Query(driver.FilterDeviceType(t)) {
		pd := describe(kind, d)
		if t == driver.Microphone && isMonitor(pd.id) != (kind == KindDesktopAudio) {
			continue // a monitor is desktop audio, not a microphone
		}
		out = append(out, pd)
	}
	slices.SortFunc(out, func(a, b pionDevice) int {
		if c := cmp.Compare(b.drv.Info().Priority, a.drv.Info().Priority); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.id), len(b.id)); c != 0 {
			return c // video2 before video10
		}
		return cmp.Compare(a.id, b.id)
	})
	return out
}

// describe derives the stable ID and the label of a driver.
func describe(kind DeviceKind, d driver.Driver) pionDevice {
	info := d.Info()
	pd := pionDevice{drv: d, kind: kind, id: info.Label, label: info.Name}
	switch kind {
	case KindCamera:
		// Label is "by-id-or-path-name;video0", Name is "card name;bus".
		if i := strings.LastIndex(info.Label, ";"); i >= 0 {
			pd.id = info.Label[i+1:]
		}
		if i := strings.Index(info.Name, ";"); i >= 0 {
			pd.label = info.Name[:i]
		}
	case KindMicrophone, KindDesktopAudio:
		// Label is the hex of miniaudio's device ID, usually a string
		// such as "hw:0,0" or a PulseAudio source name.
		if b, err := hex.DecodeString(info.Label); err == nil && printable(b) {
			pd.id = string(b)
		}
		if pd.id == nullMicID {
			pd.label = "silence (miniaudio's null device, not a microphone)"
		}
	case KindScreen:
		pd.id = strings.TrimPrefix(info.Label, "X11Screen")
	}
	if pd.label == "" {
		pd.label = pd.id
	}
	return pd
}

// isMonitor reports whether a capture device's ID names a PulseAudio or
// PipeWire (pipewire-pulse) monitor source: what a sink plays, "SINK.monitor".
func isMonitor(id string) bool { return strings.HasSuffix(id, ".monitor") }

func printable(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// findPionDevice returns the device of kind with id, or the default one
// when id is empty.
func findPionDevice(kind DeviceKind, id string) (pionDevice, error) {
	want := id
	if kind == KindCamera {
		want = strings.TrimPrefix(id, "/dev/")
	}
	devs := pionDevices(kind)
	if kind == KindMicrophone && id != "" {
		// A monitor picked as "mic:ID" before desktop audio was a kind of
		// its own (settings keep it) still opens.
		devs = append(devs, pionDevices(KindDesktopAudio)...)
	}
	for _, d := range devs {
		if id == "" {
			if kind == KindMicrophone && d.id == nullMicID {
				continue
			}
			return d, nil
		}
		if d.id == want || d.drv.Info().Label == want || strings.EqualFold(d.id, want) {
			return d, nil
		}
	}
	return pionDevice{}, &noDeviceError{kind: kind, id: id}
}

// How long Close waits for a driver's blocked Read: first before closing
// the driver (a live device returns within a frame), then after (pion's
// camera gives up after its 5 s read timeout).
const (
	closeGrace   = 2 * time.Second
	closeTimeout = 6 * time.Second
)

// closeDevice stops a pion source: it closes done (Read returns ErrClosed
// at once), lets the pump finish the driver Read in flight, closes the
// driver, and waits for the pump with a bound.
func closeDevice(dev pionDevice, done chan struct{}, pumpDone <-chan struct{}, log *slog.Logger) error {
	close(done)
	grace := time.NewTimer(closeGrace)
	select {
	case <-pumpDone:
	case <-grace.C:
		log.Warn("device read still blocked; closing the device under it", "device", dev.kind, "id", dev.id)
	}
	grace.Stop()
	driversMu.Lock()
	err := dev.drv.Close()
	driversMu.Unlock()
	limit := time.NewTimer(closeTimeout)
	defer limit.Stop()
	select {
	case <-pumpDone:
	case <-limit.C:
		err = errors.Join(err, fmt.Errorf("%s %q: the driver's read did not return after close", dev.kind, dev.id))
	}
	if err != nil {
		return fmt.Errorf("closing %s %q: %w", dev.kind, dev.id, err)
	}
	log.Info("device closed", "device", dev.kind, "id", dev.id)
	return nil
}
