package encode

/*
#cgo pkg-config: libswresample libavutil
#include <errno.h>
#include <libswresample/swresample.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libavutil/samplefmt.h>

// onair_resampler converts interleaved PCM to planar float at the output
// rate and queues it in an audio FIFO until whole encoder frames are there.
typedef struct {
	SwrContext *swr;
	AVAudioFifo *fifo;
	uint8_t **buf; // planar scratch, out_ch planes of buf_cap samples
	int buf_cap;
	int out_ch, out_rate;
} onair_resampler;

static onair_resampler *onair_resampler_new(int out_rate, int out_ch) {
	onair_resampler *r = av_mallocz(sizeof(*r));
	if (!r) return NULL;
	r->out_ch = out_ch;
	r->out_rate = out_rate;
	r->fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, out_ch, 4096);
	if (!r->fifo) {
		av_free(r);
		return NULL;
	}
	return r;
}

// onair_resampler_config (re)builds the converter for a new input layout.
static int onair_resampler_config(onair_resampler *r, int in_rate, int in_ch, int in_fmt) {
	AVChannelLayout in_layout, out_layout;
	av_channel_layout_default(&in_layout, in_ch);
	av_channel_layout_default(&out_layout, r->out_ch);
	swr_free(&r->swr);
	int ret = swr_alloc_set_opts2(&r->swr, &out_layout, AV_SAMPLE_FMT_FLTP, r->out_rate,
	                              &in_layout, in_fmt, in_rate, 0, NULL);
	av_channel_layout_uninit(&in_layout);
	av_channel_layout_uninit(&out_layout);
	if (ret < 0) return ret;
	return swr_init(r->swr);
}

// onair_resampler_push converts n input samples (in == NULL drains the
// converter's delay) and appends them to the FIFO. in is borrowed for the
// call only.
static int onair_resampler_push(onair_resampler *r, const uint8_t *in, int n) {
	int need = swr_get_out_samples(r->swr, n);
	if (need < 0) return need;
	if (need == 0 && !in) return 0;
	if (need > r->buf_cap) {
		if (r->buf) av_freep(&r->buf[0]);
		av_freep(&r->buf);
		int ret = av_samples_alloc_array_and_samples(&r->buf, NULL, r->out_ch, need, AV_SAMPLE_FMT_FLTP, 0);
		if (ret < 0) {
			r->buf_cap = 0;
			return ret;
		}
		r->buf_cap = need;
	}
	const uint8_t *inp[1] = {in};
	int got = swr_convert(r->swr, r->buf, r->buf_cap, in ? inp : NULL, in ? n : 0);
	if (got <= 0) return got;
	int w = av_audio_fifo_write(r->fifo, (void **)r->buf, got);
	if (w < 0) return w;
	return w < got ? AVERROR(ENOMEM) : got;
}

// onair_resampler_read moves n samples from the FIFO into f's planes.
static int onair_resampler_read(onair_resampler *r, AVFrame *f, int n) {
	int ret = av_frame_make_writable(f);
	if (ret < 0) return ret;
	return av_audio_fifo_read(r->fifo, (void **)f->data, n);
}

static int onair_resampler_size(onair_resampler *r) { return av_audio_fifo_size(r->fifo); }

static void onair_resampler_free(onair_resampler *r) {
	if (!r) return;
	swr_free(&r->swr);
	av_audio_fifo_free(r->fifo);
	if (r->buf) av_freep(&r->buf[0]);
	av_freep(&r->buf);
	av_free(r);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/capture"
)

// resampler converts capture PCM (S16 or F32 interleaved, any rate, any
// channel count) to planar float at the encoder's rate and channel count,
// and re-frames it through a FIFO. It rebuilds the converter when the input
// layout changes, keeping what is already queued. Not safe for concurrent
// use.
type resampler struct {
	c                    *C.onair_resampler
	inRate, inCh, inFmt  int
	configured           bool
	outRate, outChannels int
}

func newResampler(outRate, outChannels int) (*resampler, error) {
	c := C.onair_resampler_new(C.int(outRate), C.int(outChannels))
	if c == nil {
		return nil, errors.New("encode: allocating the audio FIFO failed")
	}
	return &resampler{c: c, outRate: outRate, outChannels: outChannels}, nil
}

func sampleFormatC(f capture.SampleFormat) (int, error) {
	switch f {
	case capture.S16:
		return int(C.AV_SAMPLE_FMT_S16), nil
	case capture.F32:
		return int(C.AV_SAMPLE_FMT_FLT), nil
	}
	return 0, fmt.Errorf("%w: audio sample format %d", ErrUnsupportedInput, f)
}

// push converts samples (interleaved, n per channel) in the given layout.
func (r *resampler) push(format capture.SampleFormat, rate, channels int, data []byte, n int) error {
	fmtC, err := sampleFormatC(format)
	if err != nil {
		return err
	}
	if !r.configured || rate != r.inRate || channels != r.inCh || fmtC != r.inFmt {
		if r.configured {
			if err := r.drain(); err != nil {
				return err
			}
		}
		if ret := C.onair_resampler_config(r.c, C.int(rate), C.int(channels), C.int(fmtC)); ret < 0 {
			r.configured = false
			return fmt.Errorf("encode: resampling %d Hz %d ch to %d Hz %d ch: %w",
				rate, channels, r.outRate, r.outChannels, libavError(int(ret)))
		}
		r.inRate, r.inCh, r.inFmt, r.configured = rate, channels, fmtC, true
	}
	if n == 0 {
		return nil
	}
	if ret := C.onair_resampler_push(r.c, (*C.uint8_t)(unsafe.Pointer(&data[0])), C.int(n)); ret < 0 {
		return fmt.Errorf("encode: resampling audio: %w", libavError(int(ret)))
	}
	return nil
}

// drain pushes the converter's delayed samples into the FIFO.
func (r *resampler) drain() error {
	if !r.configured {
		return nil
	}
	if ret := C.onair_resampler_push(r.c, nil, 0); ret < 0 {
		return fmt.Errorf("encode: draining the resampler: %w", libavError(int(ret)))
	}
	return nil
}

// buffered is the number of samples per channel waiting in the FIFO.
func (r *resampler) buffered() int { return int(C.onair_resampler_size(r.c)) }

// read moves n samples per channel into f (planar float, capacity >= n).
func (r *resampler) read(f *astiav.Frame, n int) error {
	if ret := C.onair_resampler_read(r.c, frameC(f), C.int(n)); ret < 0 {
		return fmt.Errorf("encode: reading the audio FIFO: %w", libavError(int(ret)))
	} else if int(ret) != n {
		return fmt.Errorf("encode: audio FIFO held %d samples, wanted %d", int(ret), n)
	}
	return nil
}

func (r *resampler) free() {
	if r != nil && r.c != nil {
		C.onair_resampler_free(r.c)
		r.c = nil
	}
}
