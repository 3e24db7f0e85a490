package compose

import (
	"context"
	"errors"
	"image"
	"log/slog"
	"sync"
	"time"

	"github.com/seed7c1a73c4/onair/app/mixer"
	"github.com/seed7c1a73c4/onair/app/watch"
	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp"
)

// streamSource plays an RTMP stream (an IP camera, OBS or a phone pushed
// into the local server, or any RTMP server) for a layer: its video is a
// capture.VideoSource of pictures at the layer's size, decoded once; its
// audio goes to the program's mix for as long as the layer's feed lives.
// While the stream is not live it retries every second; the layer holds,
// then hides, as for any stalled source.
type streamSource struct {
	url   string
	name  string // the layer's name, for logs (never the URL)
	clock *capture.Clock
	log   *slog.Logger
	w, h  int
	local LocalStreams // nil: always played over RTMP

	pics   chan *image.RGBA // decoded pictures, newest wins
	free   chan *image.RGBA
	audio  *streamAudio // nil without a mix
	gone   func()       // takes the audio out of the mix
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// StreamInputPrefix starts the name of a stream layer's input in the mix;
// the layer's name follows.
const StreamInputPrefix = "stream: "

// streamAudioDelay is how far a stream's audio is placed after its
// earliest possible arrival: RTMP senders interleave audio with video that
// their encoder holds back, so audio comes in bursts, and samples placed
// before the mix has summed them would be lost.
const streamAudioDelay = 250 * time.Millisecond

// retryEvery is how often a stream layer tries its stream again.
const retryEvery = time.Second

// LocalStreams says whether a stream layer's URL is one of the studio's
// own incoming streams, and gives that stream's shared decoder and key
// ("live/cam"); ok false plays the URL over RTMP.
type LocalStreams func(url string) (hub *watch.Hub, name string, ok bool)

// errStreamEnded is why a stream layer's stream stopped when it ended.
var errStreamEnded = errors.New("the stream ended")

// openStream starts playing url for a w×h layer; with a mix, the stream's
// audio joins it under the layer's name until Close. An incoming stream
// of the studio's own server (local says which) is not played: the layer
// joins the decoder its tile uses.
func openStream(url, name string, w, h int, clock *capture.Clock, log *slog.Logger, mix *mixer.Mixer, local LocalStreams) (*streamSource, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &streamSource{url: url, name: name, clock: clock, log: log.With("stream", name), w: w, h: h, local: local,
		pics: make(chan *image.RGBA, 1), free: make(chan *image.RGBA, 3), cancel: cancel, done: make(chan struct{})}
	for range 3 {
		s.free <- image.NewRGBA(image.Rect(0, 0, w, h))
	}
	if mix != nil {
		s.audio = &streamAudio{frames: make(chan capture.AudioFrame, 50), done: make(chan struct{})}
		input := StreamInputPrefix + name
		if err := mix.Add(input, s.audio); err != nil {
			cancel()
			return nil, err
		}
		s.gone = func() { mix.Remove(input) }
	}
	go s.run(ctx)
	return s, nil
}

// run plays the stream until Close, again after every end.
func (s *streamSource) run(ctx context.Context) {
	defer close(s.done)
	for {
		var err error
		if hub, key, ok := s.localStream(); ok {
			err = s.watchLocal(ctx, hub, key)
		} else {
			err = s.play(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		s.log.Debug("a stream layer's stream is not playing; trying again", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retryEvery):
		}
	}
}

// play plays the stream once, until it ends or fails.
func (s *streamSource) play(ctx context.Context) error {
	p, err := rtmp.DialPlay(ctx, s.url, rtmp.PlayerOptions{Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { p.Close() })
	defer stop()
	defer p.Close()
	s.log.Info("a stream layer is playing its stream")
	vdec := encode.NewVideoDecoder(s.w, s.h, s.log)
	defer vdec.Close()
	adec := encode.NewAudioDecoder(s.log)
	defer adec.Close()
	sound := soundPath{s: s, offset: -1}
	defer sound.close()
	for {
		_ = p.SetReadDeadline(time.Now().Add(10 * time.Second))
		pkt, err := p.ReadPacket()
		if err != nil {
			return err
		}
		switch pkt.Kind {
		case media.KindVideo:
			if got, err := vdec.Decode(pkt); err == nil && got {
				s.showPicture(vdec)
			}
		case media.KindAudio:
			if s.audio != nil {
				_ = adec.Decode(pkt, sound.add)
			}
		}
	}
}

// localStream asks local whether the URL is the studio's own.
func (s *streamSource) localStream() (*watch.Hub, string, bool) {
	if s.local == nil {
		return nil, "", false
	}
	return s.local(s.url)
}

// watchLocal shows an incoming stream of the studio's own server through
// the decoder it shares with the stream's tile, until the stream ends.
func (s *streamSource) watchLocal(ctx context.Context, hub *watch.Hub, key string) error {
	k := &layerSink{s: s, sound: soundPath{s: s, offset: -1}, ended: make(chan struct{})}
	leave, err := hub.Join(key, k)
	if err != nil {
		return err
	}
	s.log.Info("a stream layer shows an incoming stream of the local server through the studio's shared decoder (its tile's too)")
	select {
	case <-ctx.Done():
	case <-k.ended:
	}
	leave()
	k.sound.close() // after leave: the sink gets no more calls
	return errStreamEnded
}

// layerSink is a stream layer's share of a local stream's decoder.
type layerSink struct {
	s     *streamSource
	sound soundPath
	ended chan struct{}
}

// Picture takes every picture: the compositor picks the newest.
func (k *layerSink) Picture(p watch.Picturer) { k.s.showPicture(p) }

// Sound takes the stream's audio to the mix.
func (k *layerSink) Sound(f capture.AudioFrame) {
	if k.s.audio != nil {
		k.sound.add(f)
	}
}

// Ended lets watchLocal return (called once).
func (k *layerSink) Ended() { close(k.ended) }

// soundPath takes one playing of a stream's audio to the mix: each block
// of PCM, stamped with stream time, is mapped onto the capture clock by
// the smallest lag seen (so that a burst from the server's cache does not
// push the audio late for good), placed streamAudioDelay later, and
// converted when the mix cannot take it as it is.
type soundPath struct {
	s      *streamSource
	offset time.Duration        // clock time minus stream time, the smallest seen; -1 before the first
	conv   *encode.PCMConverter // made when the stream's audio is not at the mix's rate
}

// add maps f (stream time) onto the clock and hands it to the mix.
func (sp *soundPath) add(f capture.AudioFrame) {
	if lag := sp.s.clock.Now() - f.Time; sp.offset < 0 || lag < sp.offset {
		sp.offset = lag
	}
	f.Time += sp.offset + streamAudioDelay
	sp.s.mixable(&sp.conv, f)
}

func (sp *soundPath) close() {
	if sp.conv != nil {
		sp.conv.Close()
	}
}

// mixable hands f to the mix, converted first when it is not at the mix's
// rate or has more than two channels (IP cameras often send 8, 16 or 44.1
// kHz); mono stays mono, which the mix spreads to both sides.
func (s *streamSource) mixable(conv **encode.PCMConverter, f capture.AudioFrame) {
	if f.Rate == mixer.Rate && f.Channels <= 2 {
		s.audio.put(f)
		return
	}
	if *conv == nil {
		c, err := encode.NewPCMConverter(mixer.Rate, min(f.Channels, 2))
		if err != nil {
			s.log.Warn("a stream layer's sound cannot be converted for the mix; it stays silent", "err", err)
			return
		}
		*conv = c
	}
	if err := (*conv).Convert(f, s.audio.put); err != nil {
		s.log.Debug("a stream layer's sound could not be converted", "err", err)
	}
}

// showPicture scales the decoder's newest picture into a free buffer and
// offers it to Read, replacing one Read has not taken. With every buffer
// held by the compositor it skips the picture: it never waits.
func (s *streamSource) showPicture(d watch.Picturer) {
	var pic *image.RGBA
	select {
	case pic = <-s.free:
	case pic = <-s.pics: // Read is behind: reuse the picture it did not take
	default:
		return
	}
	if err := d.Picture(pic); err != nil {
		s.free <- pic
		return
	}
	select {
	case s.pics <- pic:
	default:
		s.free <- pic
	}
}

// Read returns the next decoded picture; the frame's Release hands it back.
func (s *streamSource) Read() (capture.VideoFrame, error) {
	select {
	case <-s.done:
		return capture.VideoFrame{}, capture.ErrClosed
	case pic := <-s.pics:
		return capture.NewVideoFrame(pic, s.clock.Now(), func() {
			select {
			case s.free <- pic:
			default:
			}
		}), nil
	}
}

// Close stops playing; Read and the audio's Read return ErrClosed.
func (s *streamSource) Close() error {
	s.once.Do(func() {
		s.cancel()
		<-s.done
		if s.audio != nil {
			s.audio.Close()
			s.gone()
		}
	})
	return nil
}

// streamAudio is a stream layer's audio as a capture.AudioSource for the
// mix: decoded PCM, stamped on the capture clock. A mix that falls behind
// loses the oldest buffers, never stalls the stream.
type streamAudio struct {
	frames chan capture.AudioFrame
	done   chan struct{}
	once   sync.Once
}

// put queues a copy of f.
func (a *streamAudio) put(f capture.AudioFrame) {
	f.Data = append([]byte(nil), f.Data...)
	for {
		select {
		case a.frames <- f:
			return
		default:
		}
		select {
		case <-a.frames: // drop the oldest
		default:
		}
	}
}

// Read returns the next buffer.
func (a *streamAudio) Read() (capture.AudioFrame, error) {
	select {
	case <-a.done:
		return capture.AudioFrame{}, capture.ErrClosed
	case f := <-a.frames:
		return f, nil
	}
}

// Close ends Read.
func (a *streamAudio) Close() error {
	a.once.Do(func() { close(a.done) })
	return nil
}
