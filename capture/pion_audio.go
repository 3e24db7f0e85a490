package capture

import (
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

// audioQueueLen is how many device buffers wait for a slow reader (about
// 1 s of 20 ms buffers) before the oldest is dropped.
const audioQueueLen = 50

// pionAudio reads a microphone or desktop audio through its pion driver.
//
// One pump goroutine pulls buffers from the driver, stamps each with the
// clock minus its duration (the time of its first sample), converts it into
// a recycled byte buffer and queues it. Read hands the oldest out; its bytes
// go back to the free list on the next Read.
type pionAudio struct {
	dev        pionDevice
	reader     audio.Reader
	rate       int
	clock      *Clock
	log        *slog.Logger
	q          *dropQueue[AudioFrame]
	held       []byte // Data of the frame the reader has
	freeMu     sync.Mutex
	free       [][]byte
	chDone     chan struct{}
	chPumpDone chan struct{}
	closer     sync.Once
	closeErr   error
}

func openPionAudio(kind DeviceKind, id string, c AudioConstraints, clock *Clock, log *slog.Logger) (AudioSource, error) {
	dev, err := findPionDevice(kind, id)
	if err != nil {
		return nil, err
	}
	rec, ok := dev.drv.(driver.AudioRecorder)
	if !ok {
		return nil, fmt.Errorf("%s %q does not record audio", kind, dev.id)
	}
	driversMu.Lock()
	defer driversMu.Unlock()
	if err := dev.drv.Open(); err != nil {
		return nil, fmt.Errorf("opening %s %q: %w", kind, dev.id, err)
	}
	p, ok := bestAudioProp(dev.drv.Properties(), c)
	if !ok {
		_ = dev.drv.Close()
		return nil, fmt.Errorf("%s %q offers no audio format", kind, dev.id)
	}
	r, err := rec.AudioRecord(p) // closes the driver on failure
	if err != nil {
		return nil, fmt.Errorf("starting %s %q at %d Hz, %d channels: %w", kind, dev.id, p.SampleRate, p.ChannelCount, err)
	}
	log.Debug("audio device opened", "id", dev.id, "label", dev.label, "rate", p.SampleRate,
		"channels", p.ChannelCount, "float", p.IsFloat, "latency", p.Latency)
	s := &pionAudio{
		dev: dev, reader: r, rate: p.SampleRate, clock: clock, log: log,
		q:          newDropQueue[AudioFrame](audioQueueLen),
		chDone:     make(chan struct{}),
		chPumpDone: make(chan struct{}),
	}
	go s.pump()
	return s, nil
}

// bestAudioProp picks the driver format closest to c and then asks for
// c's rate and channel count: miniaudio converts to them.
func bestAudioProp(props []prop.Media, c AudioConstraints) (prop.Media, bool) {
	best, bestScore := prop.Media{}, math.Inf(1)
	for _, p := range props {
		score := 0.0
		if p.ChannelCount != c.Channels {
			score++
		}
		if p.SampleRate != c.SampleRate {
			score++
		}
		if p.IsBigEndian {
			score += 10 // the decoder would see host order anyway
		}
		if score < bestScore {
			best, bestScore = p, score
		}
	}
	if math.IsInf(bestScore, 1) {
		return best, false
	}
	best.SampleRate, best.ChannelCount = c.SampleRate, c.Channels
	if best.Latency == 0 {
		best.Latency = 20 * time.Millisecond
	}
	return best, true
}

// pump moves buffers from the driver to the queue until Close.
func (s *pionAudio) pump() {
	defer close(s.chPumpDone)
	var dropped int64
	lastLog := time.Now()
	for {
		select {
		case <-s.chDone:
			return
		default:
		}
		chunk, release, err := s.reader.Read()
		if err != nil {
			select {
			case <-s.chDone:
			default:
				s.q.fail(fmt.Errorf("reading %s %q: %w", s.dev.kind, s.dev.id, err))
			}
			return
		}
		now := s.clock.Now()
		f := s.convert(chunk)
		if release != nil {
			release()
		}
		f.Time = now - f.Duration()
		if old, ok := s.q.push(f); ok {
			s.recycle(old.Data)
			dropped++
			if time.Since(lastLog) >= time.Second {
				s.log.Warn("audio reader is too slow; dropped buffers", "total", dropped)
				lastLog = time.Now()
			}
		}
	}
}

// convert copies a pion chunk into a recycled buffer.
func (s *pionAudio) convert(chunk wave.Audio) AudioFrame {
	s.freeMu.Lock()
	var buf []byte
	if n := len(s.free); n > 0 {
		buf, s.free = s.free[n-1], s.free[:n-1]
	}
	s.freeMu.Unlock()
	info := chunk.ChunkInfo()
	data, format := appendWave(buf[:0], chunk)
	rate := info.SamplingRate
	if rate <= 0 {
		rate = s.rate
	}
	return AudioFrame{Format: format, Rate: rate, Channels: info.Channels, Samples: info.Len, Data: data}
}

func (s *pionAudio) recycle(b []byte) {
	s.freeMu.Lock()
	if len(s.free) < audioQueueLen+2 {
		s.free = append(s.free, b)
	}
	s.freeMu.Unlock()
}

// Read returns the oldest queued buffer, waiting for one if none is.
func (s *pionAudio) Read() (AudioFrame, error) {
	if s.held != nil {
		s.recycle(s.held)
		s.held = nil
	}
	f, err := s.q.pop(s.chDone)
	if err != nil {
		return AudioFrame{}, err
	}
	s.held = f.Data
	return f, nil
}

// Close unblocks Read, stops the device and waits for the pump.
func (s *pionAudio) Close() error {
	s.closer.Do(func() { s.closeErr = closeDevice(s.dev, s.chDone, s.chPumpDone, s.log) })
	return s.closeErr
}
