package program

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/media"
)

// captureVideo reads the source on its own goroutine so that encoder jitter
// never makes the source skip a frame. It hands frames on through ch, which
// holds about half a second; only when the encoder is further behind than
// that are frames dropped (and counted). It closes ch when the source ends.
func (p *Program) captureVideo(ch chan<- capture.VideoFrame) error {
	defer close(ch)
	for {
		f, err := p.video.Read()
		if err != nil {
			if errors.Is(err, capture.ErrClosed) {
				return nil
			}
			return fmt.Errorf("reading the video source: %w", err)
		}
		select {
		case ch <- f:
		default:
			f.Release()
			p.stats.framesDropped.Add(1)
		}
	}
}

// videoLoop places each captured frame on the output frame grid (constant
// frame rate, timestamps from the shared capture clock) and encodes it. The
// first frame fixes the program's time zero. When it ends it closes the
// video source, which ends captureVideo.
func (p *Program) videoLoop(ctx context.Context, frames <-chan capture.VideoFrame, mux *interleaver) error {
	defer mux.endVideo()
	defer func() {
		p.video.Close()
		for f := range frames {
			f.Release()
		}
	}()
	fps := time.Duration(p.cfg.Output.FPS)
	limit := int64(-1)
	if p.cfg.Duration > 0 {
		limit = int64(p.cfg.Duration * fps / time.Second)
	}
	emit := func(pk media.Packet) {
		p.stats.videoBytes.Add(uint64(len(pk.Data)))
		mux.push(pk)
	}
	lastSlot := int64(-1)
	for f := range frames {
		if ctx.Err() != nil {
			f.Release()
			break
		}
		if lastSlot < 0 {
			p.zero = f.Time
			close(p.chZero)
		}
		slot := int64(((f.Time - p.zero) * fps) / time.Second)
		if rem := ((f.Time - p.zero) * fps) % time.Second; rem >= time.Second/2 {
			slot++
		}
		if slot <= lastSlot {
			f.Release()
			p.stats.framesDropped.Add(1)
			continue
		}
		if limit >= 0 && slot >= limit {
			f.Release()
			break
		}
		if lastSlot >= 0 && slot > lastSlot+1 {
			p.stats.framesMissed.Add(uint64(slot - lastSlot - 1))
		}
		lastSlot = slot
		pts := time.Duration(slot) * time.Second / fps
		p.showPreview(f.Image)
		if err := p.steerVideo(slot, emit); err != nil {
			f.Release()
			return err
		}
		if p.venc == nil { // paused: nobody takes the program
			f.Release()
			continue
		}
		err := p.venc.Encode(f.Image, pts, emit)
		f.Release()
		if err != nil {
			return fmt.Errorf("encoding video: %w", err)
		}
		p.stats.framesEncoded.Add(1)
		p.stats.lastPTS.Store(pts.Milliseconds())
	}
	if p.venc == nil {
		return nil
	}
	if err := p.venc.Flush(emit); err != nil {
		return fmt.Errorf("flushing the video encoder: %w", err)
	}
	return nil
}

// audioLoop reads PCM once time zero is known, re-times it relative to zero
// and encodes it to AAC.
func (p *Program) audioLoop(ctx context.Context, mux *interleaver) error {
	defer mux.endAudio()
	select {
	case <-p.chZero:
	case <-ctx.Done():
		return nil
	}
	emit := func(pk media.Packet) {
		p.stats.audioBytes.Add(uint64(len(pk.Data)))
		mux.push(pk)
	}
	for ctx.Err() == nil {
		f, err := p.audio.Read()
		if err != nil {
			if errors.Is(err, capture.ErrClosed) {
				break
			}
			return fmt.Errorf("reading the audio source: %w", err)
		}
		rel := f.Time - p.zero
		if rel < 0 {
			continue // captured before the first video frame
		}
		if p.cfg.Duration > 0 && rel >= p.cfg.Duration {
			break
		}
		f.Time = rel
		p.mix.apply(&f) // the level meter moves while paused too
		if err := p.steerAudio(emit); err != nil {
			return err
		}
		if p.aenc == nil {
			continue
		}
		if err := p.aenc.Encode(f, emit); err != nil {
			return fmt.Errorf("encoding audio: %w", err)
		}
	}
	if p.aenc == nil {
		return nil
	}
	if err := p.aenc.Flush(emit); err != nil {
		return fmt.Errorf("flushing the audio encoder: %w", err)
	}
	return nil
}

// showPreview scales img into the preview mailbox, if there is one.
func (p *Program) showPreview(img image.Image) {
	if p.scaler == nil {
		return
	}
	out, err := p.scaler.Scale(img)
	if err != nil {
		return // closed, or a frame the scaler cannot read: the preview skips it
	}
	p.cfg.Preview.Put(out)
}
