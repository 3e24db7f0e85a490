package program

import (
	"fmt"
	"time"

	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
)

// SetEncoding starts (true) or pauses (false) the encoders of an OnDemand
// program; it returns at once. The video loop follows at its next frame:
// a new encoder, whose first frame is a keyframe, or a flushed and closed
// one. The audio loop follows the video loop.
func (p *Program) SetEncoding(on bool) {
	if p.wanted.Swap(on) != on {
		p.log.Debug("encoding wanted", "on", on)
	}
}

// Counters are the program's running totals.
type Counters struct {
	FramesEncoded, FramesDropped, FramesMissed uint64
	VideoBytes, AudioBytes                     uint64
	LastPTS                                    time.Duration // of the last frame encoded
}

// Counters returns the program's running totals; safe from any goroutine.
func (p *Program) Counters() Counters {
	c := &p.stats
	return Counters{
		FramesEncoded: c.framesEncoded.Load(), FramesDropped: c.framesDropped.Load(), FramesMissed: c.framesMissed.Load(),
		VideoBytes: c.videoBytes.Load(), AudioBytes: c.audioBytes.Load(),
		LastPTS: time.Duration(c.lastPTS.Load()) * time.Millisecond,
	}
}

// Encoding reports whether the video encoder runs now.
func (p *Program) Encoding() bool { return p.videoOn.Load() }

func (p *Program) newVideoEncoder() (*encode.VideoEncoder, error) {
	o := p.cfg.Output
	e, err := encode.NewVideoEncoder(encode.VideoConfig{
		Width: o.Width, Height: o.Height, FPS: o.FPS, Bitrate: o.VideoBitrate, KeyInt: o.KeyInt,
		Preset: o.Preset, ZeroLatency: o.ZeroLatency, BFrames: o.BFrames, Encoder: o.Encoder, Codec: o.VideoCodec(),
	}, p.log)
	if err != nil {
		return nil, fmt.Errorf("starting the video encoder: %w", err)
	}
	return e, nil
}

func (p *Program) newAudioEncoder() (*encode.AudioEncoder, error) {
	e, err := encode.NewAudioEncoder(encode.AudioConfig{Bitrate: p.cfg.Output.AudioBitrate, SampleRate: 48000, Channels: 2}, p.log)
	if err != nil {
		return nil, fmt.Errorf("starting the audio encoder: %w", err)
	}
	return e, nil
}

// steerVideo (video loop) opens or closes the video encoder to follow
// SetEncoding, before the frame at slot. A new encoder waits until slot
// reaches resumeSlot, so that its first decode times (B-frames start them
// below the first frame's time) stay after the last encoder's.
func (p *Program) steerVideo(slot int64, emit func(media.Packet)) error {
	want := p.wanted.Load()
	switch {
	case want && p.venc == nil && slot >= p.resumeSlot:
		e, err := p.newVideoEncoder()
		if err != nil {
			return err
		}
		p.hub.Write(e.SequenceHeader()) // also drops the hub's cached GOP
		p.venc = e
		p.videoOn.Store(true)
		p.log.Info("encoding: the program has a viewer")
	case !want && p.venc != nil:
		err := p.venc.Flush(emit)
		p.venc.Close()
		p.venc = nil
		if err != nil {
			return fmt.Errorf("flushing the video encoder: %w", err)
		}
		p.resumeSlot = slot + int64(p.cfg.Output.BFrames) + 2
		p.videoOn.Store(false)
		if p.audio == nil {
			p.paused()
		}
		p.log.Info("encoding paused: nobody takes the program")
	}
	return nil
}

// steerAudio (audio loop) opens or closes the audio encoder to follow the
// video loop, before the next buffer.
func (p *Program) steerAudio(emit func(media.Packet)) error {
	on := p.videoOn.Load()
	switch {
	case on && p.aenc == nil:
		e, err := p.newAudioEncoder()
		if err != nil {
			return err
		}
		p.hub.Write(e.SequenceHeader())
		p.aenc = e
	case !on && p.aenc != nil:
		err := p.aenc.Flush(emit)
		p.aenc.Close()
		p.aenc = nil
		if err != nil {
			return fmt.Errorf("flushing the audio encoder: %w", err)
		}
		p.paused()
	}
	return nil
}

// paused runs once both encoders are flushed: what the interleaver holds
// goes out, and readers that join from now on wait for the next keyframe
// instead of getting pictures from before the pause.
func (p *Program) paused() {
	p.mux.drain()
	p.hub.Cut()
}
