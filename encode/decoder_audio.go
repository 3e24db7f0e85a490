package encode

/*
#cgo pkg-config: libavcodec libavutil
#include <libavcodec/avcodec.h>

// onair_send_data sends size bytes at data to the decoder c through p (a
// packet without a buffer of its own, so libav copies the bytes into a
// padded buffer: data is only borrowed for the call).
static int onair_send_data(AVCodecContext *c, AVPacket *p, const uint8_t *data, int size,
                           int64_t pts, int64_t dts, int key) {
	p->data = (uint8_t *)data;
	p->size = size;
	p->pts = pts;
	p->dts = dts;
	p->flags = key ? AV_PKT_FLAG_KEY : 0;
	int ret = avcodec_send_packet(c, p);
	p->data = NULL;
	p->size = 0;
	return ret;
}
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"
	"unsafe"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/codec/aac"
	"github.com/seed7c1a73c4/onair/media"
)

// ErrCorruptPacket wraps a packet a decoder cannot use (bad NAL lengths, a
// sequence header that does not parse, data libav rejects). The decoder
// stays usable: video resumes at the next keyframe, audio at the next frame.
var ErrCorruptPacket = errors.New("encode: corrupt packet")

// AudioDecoder decodes an incoming AAC stream (media.Packet: an
// AudioSpecificConfig header, then raw AAC frames) to PCM for a tile's
// audio meter, with FFmpeg's aac decoder.
//
// Decode must be called from one goroutine (the owner of the codec
// context). Close may be called from any goroutine, more than once, and
// after errors.
type AudioDecoder struct {
	log *slog.Logger

	mu     sync.Mutex // guards everything below against a concurrent Close
	closed bool
	cc     *astiav.CodecContext // nil until a usable header arrives
	asc    []byte               // the AudioSpecificConfig cc was opened with
	pkt    *astiav.Packet
	frame  *astiav.Frame
	buf    []byte // interleaved output, reused
}

// NewAudioDecoder returns a decoder that waits for its sequence header. A
// nil log discards.
func NewAudioDecoder(log *slog.Logger) *AudioDecoder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &AudioDecoder{log: log, pkt: astiav.AllocPacket(), frame: astiav.AllocFrame()}
}

// Decode takes the next audio packet. A sequence header (re)opens the
// decoder, unless it repeats the current one. A frame is decoded and emit
// is called, on the caller's goroutine, for each block of PCM it yields:
// capture.F32 interleaved at the stream's rate and channel count, Time from
// the packet's PTS. Data is the decoder's own buffer, valid until emit
// returns; emit must not call Close. Frames before the first header are
// ignored.
//
// Corrupt input returns an error wrapping ErrCorruptPacket; the decoder
// stays usable. After Close, Decode returns ErrClosed.
func (d *AudioDecoder) Decode(p media.Packet, emit func(capture.AudioFrame)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return ErrClosed
	case p.Kind != media.KindAudio:
		return fmt.Errorf("%w: a %s packet given to the audio decoder", ErrUnsupportedInput, p.Kind)
	case p.Header:
		return d.reopen(p.Data)
	case d.cc == nil:
		return nil
	case len(p.Data) == 0 || len(p.Data) > math.MaxInt32-64:
		return d.corrupt(p.DTS, fmt.Errorf("AAC frame of %d bytes", len(p.Data)))
	}
	if ret := sendData(d.cc, d.pkt, p.Data, p.PTS, p.DTS, true); ret < 0 {
		return d.corrupt(p.DTS, libavError(ret))
	}
	at := time.Duration(p.PTS) * time.Millisecond
	for {
		ret := receiveFrame(d.cc, d.frame)
		if ret == int(astiav.ErrEagain) || ret == int(astiav.ErrEof) {
			return nil
		}
		if ret < 0 {
			return d.corrupt(p.DTS, libavError(ret))
		}
		f, err := d.interleave(at)
		d.frame.Unref()
		if err != nil {
			return d.corrupt(p.DTS, err)
		}
		at += f.Duration()
		emit(f)
	}
}

// interleave copies the decoded frame into buf as F32 interleaved PCM.
func (d *AudioDecoder) interleave(at time.Duration) (capture.AudioFrame, error) {
	fc := frameC(d.frame)
	n, ch, rate := int(fc.nb_samples), int(fc.ch_layout.nb_channels), int(fc.sample_rate)
	if n <= 0 || ch < 1 || ch > 64 || rate <= 0 || fc.extended_data == nil {
		return capture.AudioFrame{}, fmt.Errorf("decoder gave %d samples of %d channels at %d Hz", n, ch, rate)
	}
	need := n * ch * 4
	if cap(d.buf) < need {
		d.buf = make([]byte, need)
	}
	out := d.buf[:need]
	planes := unsafe.Slice((**C.uint8_t)(unsafe.Pointer(fc.extended_data)), ch)
	sf := astiav.SampleFormat(fc.format)
	// A frame whose planes do not hold what its header says is refused, not
	// read: planar float needs ch planes of n samples, packed one of n*ch.
	var perPlane, count int
	switch sf {
	case astiav.SampleFormatFltp:
		perPlane, count = n*4, ch
	case astiav.SampleFormatFlt:
		perPlane, count = n*ch*4, 1
	default:
		return capture.AudioFrame{}, fmt.Errorf("%w: decoded sample format %s", ErrUnsupportedInput, sf)
	}
	if int(fc.linesize[0]) < perPlane {
		return capture.AudioFrame{}, fmt.Errorf("decoder gave planes of %d bytes for %d samples of %d channels", fc.linesize[0], n, ch)
	}
	for c := range count {
		if planes[c] == nil {
			return capture.AudioFrame{}, fmt.Errorf("decoder gave %d channels but no data for channel %d", ch, c+1)
		}
	}
	switch sf {
	case astiav.SampleFormatFltp:
		for c := range ch {
			src := unsafe.Slice((*float32)(unsafe.Pointer(planes[c])), n)
			for i, v := range src {
				binary.LittleEndian.PutUint32(out[(i*ch+c)*4:], math.Float32bits(v))
			}
		}
	case astiav.SampleFormatFlt:
		for i, v := range unsafe.Slice((*float32)(unsafe.Pointer(planes[0])), n*ch) {
			binary.LittleEndian.PutUint32(out[i*4:], math.Float32bits(v))
		}
	}
	return capture.AudioFrame{Format: capture.F32, Rate: rate, Channels: ch, Samples: n, Data: out, Time: at}, nil
}

func (d *AudioDecoder) corrupt(dts int64, cause error) error {
	return &sentinelError{sentinel: ErrCorruptPacket, cause: cause,
		msg: fmt.Sprintf("encode: decoding the AAC frame at dts %d ms", dts)}
}

// reopen opens a decoder for the AudioSpecificConfig asc. One that does not
// parse leaves the current decoder in place.
func (d *AudioDecoder) reopen(asc []byte) error {
	if d.cc != nil && bytes.Equal(asc, d.asc) {
		return nil
	}
	cfg, err := aac.ParseConfig(asc)
	if err != nil {
		return &sentinelError{sentinel: ErrCorruptPacket, cause: err, msg: "encode: AAC sequence header"}
	}
	if err := shimCheck(); err != nil {
		return err
	}
	if d.cc != nil {
		d.cc.Free()
		d.cc = nil
	}
	codec := astiav.FindDecoderByName("aac")
	if codec == nil {
		return errors.New("encode: FFmpeg's aac decoder is not part of this build")
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return errors.New("encode: allocating the AAC decoder failed")
	}
	if err = cc.SetExtraData(asc); err == nil {
		err = cc.Open(codec, nil)
	}
	if err != nil {
		cc.Free()
		return fmt.Errorf("encode: opening the AAC decoder: %w", err)
	}
	d.cc, d.asc = cc, append(d.asc[:0], asc...)
	d.log.Info("audio decoder opened", "object_type", cfg.ObjectType, "sample_rate", cfg.SampleRate,
		"channels", cfg.Channels)
	return nil
}

// Close frees the decoder. It may be called from any goroutine, more than
// once, and after errors; Decode returns ErrClosed afterwards.
func (d *AudioDecoder) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	if d.cc != nil {
		d.cc.Free()
	}
	if d.pkt != nil {
		d.pkt.Free()
	}
	if d.frame != nil {
		d.frame.Free()
	}
	return nil
}

// sendData sends data (non-empty, borrowed for the call) to cc through the
// unused packet p and returns libav's code.
func sendData(cc *astiav.CodecContext, p *astiav.Packet, data []byte, pts, dts int64, key bool) int {
	return int(C.onair_send_data(codecContextC(cc), packetC(p), (*C.uint8_t)(unsafe.Pointer(&data[0])),
		C.int(len(data)), C.int64_t(pts), C.int64_t(dts), cbool(key)))
}

// receiveFrame is avcodec_receive_frame returning the raw libav code, so
// the usual EAGAIN costs no allocation.
func receiveFrame(cc *astiav.CodecContext, f *astiav.Frame) int {
	return int(C.avcodec_receive_frame(codecContextC(cc), frameC(f)))
}
