package program

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed7c1a73c4/onair/app/compose"
	"github.com/seed7c1a73c4/onair/app/mixer"
	"github.com/seed7c1a73c4/onair/app/scene"
	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/media"
)

// Config says what the program captures and how it is encoded.
type Config struct {
	Video string // capture spec: test, camera[:ID], screen[:N]; unused with Scene
	// Scene, when set, is composed as the video instead of Video.
	Scene *scene.Scene
	// LocalStreams, when set, gives stream layers that show the studio's
	// own incoming streams the decoder their tiles use.
	LocalStreams compose.LocalStreams
	Audio        string // capture spec: test, mic[:ID], none
	Output       OutputConfig
	// Duration stops the program after this much media; 0 runs until Close.
	Duration time.Duration
	// Preview, when set, receives every frame scaled to its size.
	Preview *FrameMailbox
	// SilentTrack keeps an audio track when Audio is "none": it carries
	// silence, so that switching to a microphone later needs no reconnect.
	SilentTrack bool
	// OnDemand runs the encoders only while SetEncoding(true): capture and
	// the preview run all the time, x264 and AAC only while someone takes
	// the program. Without it the program encodes from Start to Close.
	OnDemand bool
}

// Program is the studio's own output: it captures, encodes once, and writes
// interleaved packets into a Hub that destinations, the local server and
// recorders read from.
type Program struct {
	cfg   Config
	log   *slog.Logger
	clock *capture.Clock
	hub   *media.PacketHub

	video *switchable[capture.VideoFrame]
	scene atomic.Pointer[compose.Source] // the last scene source opened
	mixer atomic.Pointer[mixer.Mixer]    // the audio mix, when the audio is one
	// wantMix keeps the audio a mix once a scene went on air, so a switch
	// of audio source keeps the scene's streams in it.
	wantMix atomic.Bool
	audio   *switchable[capture.AudioFrame] // nil: no audio track
	mix     audioMix
	scaler  *encode.PreviewScaler
	venc    *encode.VideoEncoder // the video loop's; nil while paused
	aenc    *encode.AudioEncoder // the audio loop's; nil while paused
	mux     *interleaver
	cancel  context.CancelFunc

	encName    string      // the video encoder's name, for onMetaData
	wanted     atomic.Bool // SetEncoding's wish
	videoOn    atomic.Bool // the video loop encodes (the audio loop follows it)
	resumeSlot int64       // the video loop's: the first frame slot a new encoder may take
	wg         sync.WaitGroup
	stats      programCounters

	chZero chan struct{} // closed once the first video frame fixed time zero
	zero   time.Duration

	done    chan struct{}
	errOnce sync.Once
	err     error
}

type programCounters struct {
	framesEncoded atomic.Uint64
	framesDropped atomic.Uint64 // captured frames that did not fit the output frame grid
	framesMissed  atomic.Uint64 // output slots with no captured frame
	videoBytes    atomic.Uint64
	audioBytes    atomic.Uint64
	lastPTS       atomic.Int64
}

// Open opens the sources and encoders; nothing runs until Start.
func Open(cfg Config, clock *capture.Clock, log *slog.Logger) (_ *Program, err error) {
	if err := cfg.Output.Validate(); err != nil {
		return nil, err
	}
	p := &Program{cfg: cfg, log: log, clock: clock, chZero: make(chan struct{}), done: make(chan struct{})}
	defer func() {
		if err != nil {
			p.closeMedia()
		}
	}()
	p.mix.gain.Store(1)
	// Audio first: a scene's stream layers join its mix.
	a, silent, err := p.openAudio(cfg.Audio)
	if err != nil {
		return nil, err
	}
	if a != nil {
		p.audio = newSwitchable(a, cfg.Audio)
		p.mix.silent.Store(silent)
	}
	v, spec, err := p.openFirstVideo()
	if err != nil {
		return nil, err
	}
	p.video = newSwitchable(v, spec)
	if cfg.Preview != nil {
		sz := cfg.Preview.Size()
		p.scaler = encode.NewPreviewScaler(sz.X, sz.Y)
	}
	return p, nil
}

// openFirstVideo opens the scene, or else the Video source.
func (p *Program) openFirstVideo() (capture.VideoSource, string, error) {
	if p.cfg.Scene == nil {
		v, err := p.openVideo(p.cfg.Video)
		return v, p.cfg.Video, err
	}
	v, err := p.openScene(*p.cfg.Scene)
	return v, sceneSpec, err
}

// sceneSpec is the video spec shown while a scene is composed.
const sceneSpec = "scene"

func (p *Program) openScene(sc scene.Scene) (*compose.Source, error) {
	o := p.cfg.Output
	src, err := compose.Open(sc, compose.Config{Width: o.Width, Height: o.Height, FPS: o.FPS, Clock: p.clock, Log: p.log,
		Mix: p.mixer.Load(), Local: p.cfg.LocalStreams})
	if err != nil {
		return nil, fmt.Errorf("opening the scene: %w", err)
	}
	p.scene.Store(src)
	return src, nil
}

// SwitchScene puts sc on air, with a cut (fade 0) or a fade of that
// length: the encoder runs on and the stream's timestamps stay continuous.
// Sources the scenes share stay open. From a camera or screen it is a cut.
// It blocks while new sources open, so call it off the UI goroutine.
func (p *Program) SwitchScene(sc scene.Scene, fade time.Duration) error {
	if cur := p.scene.Load(); cur != nil && p.video.Spec() == sceneSpec {
		return cur.Switch(sc, fade)
	}
	p.mixAudio()
	src, err := p.openScene(sc)
	if err != nil {
		return err
	}
	p.video.Swap(src, sceneSpec)
	return nil
}

func (p *Program) openVideo(spec string) (capture.VideoSource, error) {
	o := p.cfg.Output
	v, err := capture.OpenVideo(spec, capture.VideoConstraints{Width: o.Width, Height: o.Height, FPS: o.FPS}, p.clock, p.log)
	if err != nil {
		return nil, fmt.Errorf("opening the video source: %w", err)
	}
	return v, nil
}

// SwitchVideo replaces the video source while the program runs: the
// stream stays up, with at most a short freeze while the device opens.
// It blocks while the device opens, so call it off the UI goroutine.
func (p *Program) SwitchVideo(spec string) error {
	v, err := p.openVideo(spec)
	if err != nil {
		return err
	}
	p.video.Swap(v, spec)
	return nil
}

// Sources returns the specs of the current video and audio sources.
func (p *Program) Sources() (video, audio string) {
	video, audio = p.video.Spec(), "none"
	if p.audio != nil {
		audio = p.audio.Spec()
	}
	return video, audio
}

// Start creates the encoders and starts capturing. Packets flow into Hub.
// With OnDemand the encoders are made once, to check the output settings
// and fill the sequence headers, and closed again until SetEncoding(true).
func (p *Program) Start() (err error) {
	if p.venc, err = p.newVideoEncoder(); err != nil {
		return err
	}
	p.encName = p.venc.Name()
	if p.audio != nil {
		if p.aenc, err = p.newAudioEncoder(); err != nil {
			return err
		}
	}
	p.hub = media.NewPacketHub(media.HubOptions{GOPCache: true})
	p.hub.Write(p.venc.SequenceHeader())
	if p.aenc != nil {
		p.hub.Write(p.aenc.SequenceHeader())
	}
	if p.cfg.OnDemand {
		p.venc.Close()
		p.venc = nil
		if p.aenc != nil {
			p.aenc.Close()
			p.aenc = nil
		}
	} else {
		p.wanted.Store(true)
		p.videoOn.Store(true)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	mux := newInterleaver(p.hub, p.audio != nil, p.log)
	p.mux = mux
	frames := make(chan capture.VideoFrame, max(2, p.cfg.Output.FPS/2))
	p.wg.Add(2)
	go func() {
		defer p.wg.Done()
		p.fail(p.captureVideo(frames))
	}()
	go func() {
		defer p.wg.Done()
		p.fail(p.videoLoop(ctx, frames, mux))
	}()
	if p.audio != nil {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.fail(p.audioLoop(ctx, mux))
		}()
	}
	go func() {
		p.wg.Wait()
		mux.finish()
		close(p.done)
	}()
	return nil
}

// fail records the first real error and stops the program.
func (p *Program) fail(err error) {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, capture.ErrClosed) {
		return
	}
	p.errOnce.Do(func() {
		p.err = err
		p.log.Error("program stopped", "err", err)
	})
	p.cancel()
}

// Hub returns the fan-out point that every output reads from.
func (p *Program) Hub() *media.PacketHub { return p.hub }

// Done is closed when the program has stopped (Duration reached, error or Close).
func (p *Program) Done() <-chan struct{} { return p.done }

// Err returns why the program stopped, or nil.
func (p *Program) Err() error {
	select {
	case <-p.done:
		return p.err
	default:
		return nil
	}
}

// Metadata describes the program for onMetaData.
func (p *Program) Metadata() media.Metadata {
	o := p.cfg.Output
	m := media.Metadata{
		Width: o.Width, Height: o.Height, FrameRate: float64(o.FPS), VideoBitrate: o.VideoBitrate,
		VideoCodec: o.VideoCodec(), HasVideo: true, Encoder: "OnAir Studio",
	}
	if p.encName != "" {
		m.Encoder = "OnAir Studio (" + p.encName + ")"
	}
	if p.audio != nil {
		m.HasAudio, m.AudioBitrate, m.AudioSampleRate, m.AudioChannels = true, o.AudioBitrate, 48000, 2
	}
	return m
}

// Close stops capture and encoding and waits for every goroutine. Safe twice.
func (p *Program) Close() error {
	if p.cancel != nil {
		p.cancel()
	}
	p.closeMedia() // unblocks Read in the loops
	if p.cancel != nil {
		<-p.done
	}
	if p.venc != nil {
		p.venc.Close()
	}
	if p.aenc != nil {
		p.aenc.Close()
	}
	if p.hub != nil {
		p.hub.Close()
	}
	return nil
}

func (p *Program) closeMedia() {
	if p.video != nil {
		p.video.Close()
	}
	if p.audio != nil {
		p.audio.Close()
	}
	if p.scaler != nil {
		p.scaler.Close()
	}
}
