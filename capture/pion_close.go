package capture

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

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
