package encode

/*
#cgo pkg-config: libavcodec libavutil libswscale
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>

// onair_sws_from_frame scales a decoded picture into one packed plane.
static int onair_sws_from_frame(struct SwsContext *c, const AVFrame *f, uint8_t *d, int dl) {
	uint8_t *const dst[4] = {d, NULL, NULL, NULL};
	const int dstride[4] = {dl, 0, 0, 0};
	return sws_scale(c, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, dstride);
}
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"math"
	"sync"
	"unsafe"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/media"
)

// ErrNoPicture is returned by VideoDecoder.Picture before a picture has
// been decoded.
var ErrNoPicture = errors.New("encode: no picture decoded yet")

// decoderThreads keeps a preview tile cheap: two frame threads at most.
const decoderThreads = 2

// VideoDecoder decodes an incoming H.264 or HEVC stream (media.Packet:
// sequence headers and 4-byte-length access units) for a preview tile, and scales its most
// recent picture to a fixed RGBA size only when asked, so a tile refreshed
// at 15 fps from a 60 fps stream pays for decoding, not for scaling, of
// every frame.
//
// Decode must be called from one goroutine (the owner of the codec
// context). Picture, Width and Height may be called from any other
// goroutine: they never wait for a decode, only for the hand-over of a new
// picture (and Decode waits at most for one Picture in progress). Close may
// be called from any goroutine, more than once, and after errors.
type VideoDecoder struct {
	log  *slog.Logger
	w, h int

	mu      sync.Mutex // guards the codec side against a concurrent Close
	closed  bool
	cc      *astiav.CodecContext // nil until a usable sequence header arrives
	codec   media.Codec          // what cc decodes
	header  []byte               // the record cc was opened with
	pkt     *astiav.Packet
	recv    *astiav.Frame // the decoder's output, moved to last
	needKey bool          // drop access units until an IDR (after opening or an error)
	// onFrame, when set (a PictureDecoder), sees each decoded picture in
	// presentation order before it becomes the latest; under mu.
	onFrame func(*astiav.Frame) error
	threads int // decoding threads: decoderThreads, or 1 for a PictureDecoder

	picMu            sync.Mutex // guards the picture side; taken after mu
	last             *astiav.Frame
	has              bool
	streamW, streamH int
	sws              *swscaler                 // for w×h
	others           map[image.Point]*swscaler // for other sizes Picture was asked for
}

// maxPictureSizes bounds the scalers a VideoDecoder keeps for sizes other
// than its own (a stream decoded once for a tile and a scene layer asks
// for two); past it they are freed and made again as asked.
const maxPictureSizes = 4

// NewVideoDecoder returns a decoder whose Picture is w×h RGBA (each clamped
// to 1..8192, as NewPreviewScaler does). A nil log discards.
func NewVideoDecoder(w, h int, log *slog.Logger) *VideoDecoder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w, h = min(max(w, 1), MaxVideoSize), min(max(h, 1), MaxVideoSize)
	return &VideoDecoder{log: log, w: w, h: h, threads: decoderThreads, pkt: astiav.AllocPacket(), recv: astiav.AllocFrame(),
		last: astiav.AllocFrame(), sws: newSwscaler(w, h, astiav.PixelFormatRgba, true)}
}

// Decode takes the next video packet. A sequence header (re)opens the H.264
// decoder with that record, unless it repeats the current one; the old
// stream's last pictures are drained first, so a camera reconnecting at
// another size just continues. An access unit is decoded; Decode reports
// whether it produced a new picture (with frame threads and B-frames that
// is usually an earlier frame's). Access units before the first header are
// ignored, as are those after an error until the next keyframe.
//
// Corrupt input returns an error wrapping ErrCorruptPacket; the decoder
// stays usable. After Close, Decode returns ErrClosed.
func (d *VideoDecoder) Decode(p media.Packet) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return false, ErrClosed
	case p.Kind != media.KindVideo:
		return false, fmt.Errorf("%w: a %s packet given to the video decoder", ErrUnsupportedInput, p.Kind)
	case p.Header:
		return d.reopen(p.Codec, p.Data)
	case d.cc == nil || p.Codec != d.codec:
		return false, nil
	}
	idr, err := checkAVCC(p.Codec, p.Data)
	if err != nil {
		return false, d.fail(p.DTS, err)
	}
	if d.needKey && !idr && !p.Key {
		return false, nil
	}
	d.needKey = false
	if ret := sendData(d.cc, d.pkt, p.Data, p.PTS, p.DTS, idr || p.Key); ret < 0 {
		return false, d.fail(p.DTS, libavError(ret))
	}
	return d.receive(p.DTS)
}

// drain ends the stream for the decoder: the pictures it holds (frame
// threads, reordering) come out through receive.
func (d *VideoDecoder) drain() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.cc == nil {
		return nil
	}
	if ret := C.avcodec_send_packet(codecContextC(d.cc), nil); ret < 0 {
		return libavError(int(ret))
	}
	_, err := d.receive(0)
	return err
}

// receive moves every picture the decoder has ready to last.
func (d *VideoDecoder) receive(dts int64) (got bool, err error) {
	for {
		ret := receiveFrame(d.cc, d.recv)
		if ret == int(astiav.ErrEagain) || ret == int(astiav.ErrEof) {
			return got, nil
		}
		if ret < 0 {
			return got, d.fail(dts, libavError(ret))
		}
		if d.onFrame != nil {
			if err := d.onFrame(d.recv); err != nil {
				d.recv.Unref()
				return got, err
			}
		}
		d.picMu.Lock()
		d.last.Unref()
		d.last.MoveRef(d.recv)
		d.has, d.streamW, d.streamH = true, d.last.Width(), d.last.Height()
		d.picMu.Unlock()
		got = true
	}
}

// fail drops what the decoder holds, waits for the next keyframe and
// returns cause wrapped.
func (d *VideoDecoder) fail(dts int64, cause error) error {
	C.avcodec_flush_buffers(codecContextC(d.cc))
	d.needKey = true
	return &sentinelError{sentinel: ErrCorruptPacket, cause: cause,
		msg: fmt.Sprintf("encode: decoding the %s access unit at dts %d ms", d.codec, dts)}
}

// reopen opens a decoder for the sequence header rec of codec (an
// AVCDecoderConfigurationRecord or an HEVCDecoderConfigurationRecord). A
// record that does not parse leaves the current decoder in place.
func (d *VideoDecoder) reopen(codecID media.Codec, rec []byte) (bool, error) {
	if d.cc != nil && codecID == d.codec && bytes.Equal(rec, d.header) {
		return false, nil
	}
	info, err := parseSequenceHeader(codecID, rec)
	if err != nil {
		return false, err
	}
	if err := shimCheck(); err != nil {
		return false, err
	}
	got := false
	if d.cc != nil { // hand over the old stream's last pictures
		if C.avcodec_send_packet(codecContextC(d.cc), nil) >= 0 {
			got, _ = d.receive(0)
		}
		d.cc.Free()
		d.cc = nil
	}
	codec := astiav.FindDecoder(info.id)
	if codec == nil {
		return got, fmt.Errorf("encode: FFmpeg's %s decoder is not part of this build", codecID)
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return got, fmt.Errorf("encode: allocating the %s decoder failed", codecID)
	}
	cc.SetThreadCount(d.threads)
	cc.SetThreadType(astiav.ThreadTypeFrame | astiav.ThreadTypeSlice)
	err = cc.SetExtraData(rec)
	if err == nil {
		err = cc.Open(codec, nil)
	}
	if err != nil {
		cc.Free()
		return got, fmt.Errorf("encode: opening the %s decoder: %w", codecID, err)
	}
	d.cc, d.codec, d.header, d.needKey = cc, codecID, append(d.header[:0], rec...), true
	if info.width > 0 {
		d.picMu.Lock()
		d.streamW, d.streamH = info.width, info.height
		d.picMu.Unlock()
	}
	d.log.Info("video decoder opened", "codec", codecID.String(), "width", info.width, "height", info.height,
		"profile", info.profile, "level", info.level, "threads", d.threads)
	return got, nil
}

// headerInfo is what a sequence header says, and the libav decoder for it.
type headerInfo struct {
	id             astiav.CodecID
	width, height  int
	profile, level int
}

// parseSequenceHeader checks a sequence header before libav sees it.
func parseSequenceHeader(c media.Codec, rec []byte) (headerInfo, error) {
	switch c {
	case media.CodecH264:
		cfg, err := h264.ParseConfig(rec)
		if err == nil && cfg.NALULengthSize != 4 {
			err = fmt.Errorf("NAL unit length size %d (only 4 is supported)", cfg.NALULengthSize)
		}
		if err != nil {
			return headerInfo{}, &sentinelError{sentinel: ErrCorruptPacket, cause: err, msg: "encode: AVC sequence header"}
		}
		info, _ := cfg.Info()
		return headerInfo{id: astiav.CodecIDH264, width: info.Width, height: info.Height, profile: int(cfg.Profile), level: int(cfg.Level)}, nil
	case media.CodecHEVC:
		cfg, err := hevc.ParseConfig(rec)
		if err != nil {
			return headerInfo{}, &sentinelError{sentinel: ErrCorruptPacket, cause: err, msg: "encode: HEVC sequence header"}
		}
		return headerInfo{id: astiav.CodecIDHevc, width: cfg.Width, height: cfg.Height, profile: int(cfg.ProfileIDC), level: int(cfg.LevelIDC)}, nil
	}
	return headerInfo{}, fmt.Errorf("%w: %s video (the studio decodes H.264 and HEVC)", ErrUnsupportedInput, c)
}

// checkAVCC validates the 4-byte NAL lengths of an H.264 or HEVC access
// unit, so that only well-framed data reaches libav, and reports whether it
// holds an IDR (H.264) or an IRAP picture (HEVC).
func checkAVCC(c media.Codec, b []byte) (idr bool, err error) {
	if len(b) == 0 || len(b) > math.MaxInt32-64 {
		return false, fmt.Errorf("access unit of %d bytes", len(b))
	}
	for len(b) > 0 {
		if len(b) < 5 {
			return false, fmt.Errorf("%d stray bytes after the last NAL unit", len(b))
		}
		n := uint64(binary.BigEndian.Uint32(b))
		if n == 0 || n > uint64(len(b)-4) {
			return false, fmt.Errorf("NAL unit length %d with %d bytes left", n, len(b)-4)
		}
		if c == media.CodecHEVC {
			idr = idr || hevc.IsIRAP(b[4])
		} else {
			idr = idr || b[4]&0x1f == h264.NALIDR
		}
		b = b[4+n:]
	}
	return idr, nil
}

// Picture scales the most recent picture into dst (BT.709; video or full
// range as the stream says). dst may have any size up to MaxVideoSize: the
// decoder is prepared for the w×h given to NewVideoDecoder, and keeps a
// scaler for each other size it is asked for, so one decode can feed
// pictures of several sizes. Before the first picture it returns
// ErrNoPicture, after Close ErrClosed. The same picture may be fetched any
// number of times.
func (d *VideoDecoder) Picture(dst *image.RGBA) error {
	d.picMu.Lock()
	defer d.picMu.Unlock()
	if d.last == nil {
		return ErrClosed
	}
	if dst == nil || dst.Rect.Empty() || dst.Rect.Dx() > MaxVideoSize || dst.Rect.Dy() > MaxVideoSize {
		return fmt.Errorf("%w: a picture must be 1x1 to %dx%d", ErrUnsupportedInput, MaxVideoSize, MaxVideoSize)
	}
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	off := dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y)
	if dst.Stride < 4*w || len(dst.Pix)-off < dst.Stride*(h-1)+4*w {
		return fmt.Errorf("%w: RGBA buffer is shorter than its bounds", ErrUnsupportedInput)
	}
	if !d.has {
		return ErrNoPicture
	}
	pf := d.last.PixelFormat()
	full := d.last.ColorRange() == astiav.ColorRangeJpeg
	switch pf {
	case astiav.PixelFormatYuvj420P, astiav.PixelFormatYuvj422P, astiav.PixelFormatYuvj444P,
		astiav.PixelFormatYuvj440P, astiav.PixelFormatYuvj411P:
		full = true
	}
	sws := d.scalerFor(w, h)
	if sws.src.full != full {
		sws.free() // prepare keys on format and size only
	}
	if err := sws.prepare(planes{format: pf, full: full, w: d.last.Width(), h: d.last.Height()}); err != nil {
		return fmt.Errorf("encode: preview of the decoded picture: %w", err)
	}
	ret := C.onair_sws_from_frame(sws.ctx, frameC(d.last), (*C.uint8_t)(unsafe.Pointer(&dst.Pix[off])), C.int(dst.Stride))
	if ret < 0 {
		return fmt.Errorf("encode: scaling the decoded %s picture: %w", pf, libavError(int(ret)))
	}
	return nil
}

// scalerFor returns the scaler to w×h RGBA; under picMu.
func (d *VideoDecoder) scalerFor(w, h int) *swscaler {
	if w == d.w && h == d.h {
		return d.sws
	}
	size := image.Pt(w, h)
	if s := d.others[size]; s != nil {
		return s
	}
	if len(d.others) >= maxPictureSizes {
		d.freeOthers()
	}
	if d.others == nil {
		d.others = map[image.Point]*swscaler{}
	}
	s := newSwscaler(w, h, astiav.PixelFormatRgba, true)
	d.others[size] = s
	return s
}

// freeOthers frees the scalers to other sizes; under picMu.
func (d *VideoDecoder) freeOthers() {
	for _, s := range d.others {
		s.free()
	}
	clear(d.others)
}

// Width returns the picture width of the stream: from the sequence header
// once one is accepted, then from each decoded picture (0 before either).
func (d *VideoDecoder) Width() int {
	d.picMu.Lock()
	defer d.picMu.Unlock()
	return d.streamW
}

// Height returns the picture height of the stream, as Width does.
func (d *VideoDecoder) Height() int {
	d.picMu.Lock()
	defer d.picMu.Unlock()
	return d.streamH
}

// Close frees the decoder. It may be called from any goroutine, more than
// once, and after errors; Decode and Picture return ErrClosed afterwards.
func (d *VideoDecoder) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	if d.cc != nil {
		d.cc.Free()
	}
	d.pkt.Free()
	d.recv.Free()
	d.picMu.Lock()
	defer d.picMu.Unlock()
	if d.last != nil {
		d.last.Free()
		d.last = nil
	}
	d.sws.free()
	d.freeOthers()
	return nil
}
