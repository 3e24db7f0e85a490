package main

import (
	"log/slog"

	"github.com/seed7c1a73c4/onair/app/record"

	"github.com/seed7c1a73c4/onair/media"
)

// startProgramRecording records the program (what hub fans out to the
// destinations) to path, for onair publish --record PATH; when path exists
// it records to path-2.mp4 (and so on) instead. The recording
// reads its own bounded queue, so a slow disk never delays the encoder or
// a destination; call Stop on the result once the broadcast has ended (the
// file is then complete), and report Err if it stopped by itself.
func startProgramRecording(hub *media.PacketHub, path string, log *slog.Logger) (*record.Recording, error) {
	q := hub.Subscribe(record.QueueLimits)
	return record.StartWith(q, func() { hub.Unsubscribe(q) }, record.Options{Path: path, FreeName: true},
		log.With("component", "recorder"))
}
