package capture

import (
	"fmt"
	"log/slog"
	"strings"
)

// OpenVideo opens a video source. spec is one of:
//
//	test        the built-in test pattern, exactly c.Width x c.Height at c.FPS
//	camera      the first camera
//	camera:ID   the camera with that ID (see ListDevices), e.g. camera:video0
//	screen      the first screen
//	screen:N    screen number N
//	file:PATH   a YUV4MPEG2 (4:2:0) clip, looped, one clip frame per output frame
//
// Cameras give the mode closest to c as *image.YCbCr 4:2:0; screens give
// their own size as *image.RGBA at about c.FPS. A device this machine does
// not have gives an error wrapping ErrNoDevice. Frames are stamped on clock.
func OpenVideo(spec string, c VideoConstraints, clock *Clock, log *slog.Logger) (VideoSource, error) {
	log = orDiscard(log).With("source", spec)
	if clock == nil {
		return nil, fmt.Errorf("opening video source %q: no clock", spec)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("opening video source %q: %w", spec, err)
	}
	kind, id, hasID := strings.Cut(strings.TrimSpace(spec), ":")
	switch {
	case kind == "test" && !hasID:
		return newTestPattern(c, clock, log), nil
	case kind == "camera":
		return openPionVideo(KindCamera, id, c, clock, log)
	case kind == "screen":
		return openPionVideo(KindScreen, id, c, clock, log)
	case kind == "file" && hasID:
		return openClip(id, c, clock, log)
	}
	return nil, fmt.Errorf("unknown video source %q: use test, camera, camera:ID, screen, screen:N or file:CLIP.y4m", spec)
}

// OpenAudio opens an audio source. spec is one of:
//
//	test     the built-in test tone
//	mic      the default microphone
//	mic:ID   the microphone with that ID (see ListDevices)
//	desktop  what the computer plays: the first PulseAudio or PipeWire
//	         monitor source
//	desktop:ID  the monitor source with that ID ("SINK.monitor")
//	none     no audio: OpenAudio returns nil, nil
//
// Zero fields of c take the defaults, 48000 Hz and 2 channels. The test
// tone gives S16; microphones give S16 or F32 as the device delivers it.
// A device this machine does not have gives an error wrapping ErrNoDevice.
func OpenAudio(spec string, c AudioConstraints, clock *Clock, log *slog.Logger) (AudioSource, error) {
	log = orDiscard(log).With("source", spec)
	kind, id, hasID := strings.Cut(strings.TrimSpace(spec), ":")
	if kind == "none" && !hasID {
		return nil, nil
	}
	if clock == nil {
		return nil, fmt.Errorf("opening audio source %q: no clock", spec)
	}
	c, err := c.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("opening audio source %q: %w", spec, err)
	}
	switch {
	case kind == "test" && !hasID:
		return newTestTone(c, clock, log), nil
	case kind == "mic":
		return openPionAudio(KindMicrophone, id, c, clock, log)
	case kind == "desktop":
		return openPionAudio(KindDesktopAudio, id, c, clock, log)
	}
	return nil, fmt.Errorf("unknown audio source %q: use test, mic, mic:ID, desktop, desktop:ID or none", spec)
}

// orDiscard returns log, or a logger that drops everything when log is nil.
func orDiscard(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log.With("component", "capture")
}
