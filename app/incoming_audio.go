package app

import (
	"log/slog"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
)

// tileAudio decodes a tile's AAC and meters it.
type tileAudio struct {
	dec *encode.AudioDecoder
	lvl capture.Levels
	got bool
}

func newTileAudio(log *slog.Logger) *tileAudio { return &tileAudio{dec: encode.NewAudioDecoder(log)} }

// decode meters p; ok reports that levels were measured.
func (t *tileAudio) decode(p media.Packet) (capture.Levels, bool) {
	t.got = false
	if err := t.dec.Decode(p, func(f capture.AudioFrame) {
		capture.MeasureLevels(f, &t.lvl)
		t.got = true
	}); err != nil {
		return t.lvl, false
	}
	return t.lvl, t.got
}

func (t *tileAudio) close() { t.dec.Close() }
