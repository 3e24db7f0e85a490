package encode

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/media"
)

// openedVideo is an open video codec context and what goes with it.
type openedVideo struct {
	cc      *astiav.CodecContext
	backend backend
	hw      *hwUploader // nil unless the encoder takes hardware frames
}

// openVideo opens the encoder cfg asks for. "auto" tries the hardware
// encoders of cfg.Codec whose device node exists (/dev/dri/renderD128 for
// VAAPI, /dev/nvidia0 for NVENC) in order and falls back to the software one
// (libx264 or libx265); a named hardware encoder is always tried, and failing
// to open it is an error.
func openVideo(cfg VideoConfig, log *slog.Logger) (*openedVideo, error) {
	sw := softwareBackend(cfg.Codec)
	if cfg.Encoder == sw.kind {
		return openBackend(cfg, sw)
	}
	if cfg.Encoder != EncoderAuto {
		b := backendFor(cfg.Encoder, cfg.Codec)
		o, err := openBackend(cfg, b)
		if err != nil {
			return nil, &sentinelError{sentinel: ErrEncoderUnavailable, cause: err, msg: fmt.Sprintf(
				"encode: the %s %s encoder (%s) could not be opened; this machine may lack the hardware or its driver",
				b.kind, cfg.Codec.Name(), b.codec)}
		}
		return o, nil
	}
	var tried []string
	for _, b := range hardwareBackends {
		if b.format != cfg.Codec {
			continue
		}
		if _, err := os.Stat(b.node); err != nil {
			log.Debug("hardware "+cfg.Codec.Name()+" encoder skipped: no device", "encoder", b.codec, "device", b.node)
			continue
		}
		tried = append(tried, b.codec)
		o, err := openBackend(cfg, b)
		if err == nil {
			return o, nil
		}
		log.Debug("hardware "+cfg.Codec.Name()+" encoder not usable", "encoder", b.codec, "error", err)
	}
	if len(tried) == 0 {
		tried = append(tried, "none (no GPU device nodes)")
	}
	log.Info("no hardware "+cfg.Codec.Name()+" encoder found; using "+sw.codec, "tried", strings.Join(tried, ", "))
	return openBackend(cfg, sw)
}

// openBackend allocates, configures and opens one encoder.
func openBackend(cfg VideoConfig, b backend) (o *openedVideo, err error) {
	codec := astiav.FindEncoderByName(b.codec)
	if codec == nil {
		return nil, fmt.Errorf("%s is not part of this FFmpeg build", b.codec)
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return nil, errors.New("allocating the codec context failed")
	}
	o = &openedVideo{cc: cc, backend: b}
	defer func() {
		if err != nil {
			o.free()
			o = nil
		}
	}()
	cc.SetWidth(cfg.Width)
	cc.SetHeight(cfg.Height)
	cc.SetTimeBase(astiav.NewRational(1, 1000))
	cc.SetFramerate(astiav.NewRational(cfg.FPS, 1))
	cc.SetSampleAspectRatio(astiav.NewRational(1, 1))
	cc.SetBitRate(int64(cfg.Bitrate))
	cc.SetGopSize(cfg.gopFrames())
	cc.SetFlags(cc.Flags().Add(astiav.CodecContextFlagGlobalHeader))
	cc.SetPixelFormat(b.swFmt)
	if b.hwFmt != astiav.PixelFormatNone {
		cc.SetPixelFormat(b.hwFmt)
		if o.hw, err = attachHardware(cc, b, cfg.Width, cfg.Height); err != nil {
			return o, err
		}
	}
	if b.kind == EncoderX264 {
		cc.SetThreadCount(cfg.Threads) // 0: libx264 picks its own threading
	}
	if b.kind == EncoderX265 {
		cc.SetFlags(cc.Flags().Add(astiav.CodecContextFlagClosedGop))
	}
	opts := astiav.NewDictionary()
	defer opts.Free()
	for _, kv := range videoOptions(cfg, b) {
		if err := opts.Set(kv[0], kv[1], 0); err != nil {
			return o, fmt.Errorf("setting %s=%s: %w", kv[0], kv[1], err)
		}
	}
	if err := cc.Open(codec, opts); err != nil {
		return o, fmt.Errorf("opening %s: %w", b.codec, err)
	}
	if len(cc.ExtraData()) == 0 {
		return o, fmt.Errorf("%s produced no global header (parameter sets)", b.codec)
	}
	return o, nil
}

// videoOptions lists the AVOptions for b: generic codec options first, then
// the encoder's private ones.
func videoOptions(cfg VideoConfig, b backend) [][2]string {
	br := strconv.Itoa(cfg.Bitrate)
	opts := [][2]string{
		{"maxrate", br},
		{"bufsize", strconv.Itoa(2 * cfg.Bitrate)},
		{"keyint_min", strconv.Itoa(cfg.gopFrames())},
		{"bf", strconv.Itoa(cfg.BFrames)},
		{"color_primaries", "bt709"},
		{"color_trc", "bt709"},
		{"colorspace", "bt709"},
		{"color_range", "tv"},
	}
	switch b.kind {
	case EncoderX264:
		opts = append(opts, [][2]string{
			{"preset", cfg.Preset},
			{"profile", "high"},
			{"sc_threshold", "0"},
			{"forced-idr", "1"},
			// Constant bitrate, as platforms ask: with maxrate = bitrate,
			// nal-hrd=cbr makes x264 signal CBR and add filler NAL units, so a
			// simple picture is sent at the bitrate too (a private option, set
			// through the dictionary like the others).
			{"nal-hrd", "cbr"},
		}...)
		if cfg.ZeroLatency {
			opts = append(opts, [2]string{"tune", "zerolatency"})
		}
	case EncoderX265:
		opts = append(opts, [][2]string{{"preset", cfg.Preset}, {"forced-idr", "1"}, {"x265-params", x265Params(cfg)}}...)
		if cfg.ZeroLatency {
			opts = append(opts, [2]string{"tune", "zerolatency"})
		}
	case EncoderNVENC:
		opts = append(opts, [][2]string{{"profile", hardwareProfile(b)}, {"rc", "cbr"}, {"forced-idr", "1"}}...)
		if cfg.ZeroLatency {
			opts = append(opts, [2]string{"zerolatency", "1"})
		}
	case EncoderVAAPI:
		opts = append(opts, [][2]string{{"profile", hardwareProfile(b)}, {"rc_mode", "CBR"}}...)
	}
	return opts
}

// x265Params are libx265's own settings that FFmpeg's options do not
// reach: IDRs only where the studio asks (every KeyInt, closed GOPs, no scene
// cuts), VBV at the bitrate and strict CBR so the rate is constant (filler
// data pads a simple picture, as x264's nal-hrd=cbr does), headers only in the
// global header, and x265's banner and statistics kept off stderr. libx265
// picks its own thread pool unless Threads says how many.
func x265Params(cfg VideoConfig) string {
	kbps := strconv.Itoa(cfg.Bitrate / 1000)
	p := []string{
		"keyint=" + strconv.Itoa(cfg.gopFrames()), "min-keyint=" + strconv.Itoa(cfg.gopFrames()),
		"scenecut=0", "open-gop=0", "bframes=" + strconv.Itoa(cfg.BFrames),
		"vbv-maxrate=" + kbps, "vbv-bufsize=" + strconv.Itoa(2*cfg.Bitrate/1000),
		"strict-cbr=1", "repeat-headers=0", "info=0", "log-level=error",
	}
	if cfg.Threads > 0 {
		p = append(p, "pools="+strconv.Itoa(cfg.Threads), "frame-threads="+strconv.Itoa(min(cfg.Threads, 4)))
	}
	return strings.Join(p, ":")
}

// hardwareProfile is the profile a hardware encoder is asked for: High for
// H.264, Main (8-bit) for HEVC.
func hardwareProfile(b backend) string {
	if b.format == media.CodecHEVC {
		return "main"
	}
	return "high"
}

func (o *openedVideo) free() {
	if o == nil {
		return
	}
	o.hw.free()
	if o.cc != nil {
		o.cc.Free()
		o.cc = nil
	}
}
