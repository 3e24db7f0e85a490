package encode

/*
#cgo pkg-config: libavcodec libavutil
#include <libavcodec/avcodec.h>
#include <libavutil/hwcontext.h>

// onair_hw_frames gives cc (which already has its hw_device_ctx) a pool of
// hardware surfaces in sw_format (uploaded from software frames).
static int onair_hw_frames(AVCodecContext *cc, int hw_fmt, int sw_fmt, int w, int h) {
	if (!cc->hw_device_ctx) return AVERROR(EINVAL);
	AVBufferRef *ref = av_hwframe_ctx_alloc(cc->hw_device_ctx);
	if (!ref) return AVERROR(ENOMEM);
	AVHWFramesContext *fc = (AVHWFramesContext *)ref->data;
	fc->format = hw_fmt;
	fc->sw_format = sw_fmt;
	fc->width = w;
	fc->height = h;
	fc->initial_pool_size = 20;
	int ret = av_hwframe_ctx_init(ref);
	if (ret < 0) {
		av_buffer_unref(&ref);
		return ret;
	}
	cc->hw_frames_ctx = ref;
	return 0;
}

// onair_hw_upload takes a surface from the pool into hw and copies sw into
// it, with sw's timestamps and picture type.
static int onair_hw_upload(AVCodecContext *cc, AVFrame *sw, AVFrame *hw) {
	av_frame_unref(hw);
	int ret = av_hwframe_get_buffer(cc->hw_frames_ctx, hw, 0);
	if (ret < 0) return ret;
	ret = av_hwframe_transfer_data(hw, sw, 0);
	if (ret < 0) return ret;
	return av_frame_copy_props(hw, sw);
}
*/
import "C"

import (
	"fmt"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/media"
)

// vaapiDevice is the DRM render node h264_vaapi runs on.
const vaapiDevice = "/dev/dri/renderD128"

// backend is one video encoder the studio can use.
type backend struct {
	kind   string             // config name: x264, x265, vaapi, nvenc
	codec  string             // FFmpeg encoder name
	format media.Codec        // what it encodes: H.264 or HEVC
	swFmt  astiav.PixelFormat // what swscale produces for it
	hwFmt  astiav.PixelFormat // hardware surface format, or PixelFormatNone
	device astiav.HardwareDeviceType
	node   string // device node that must exist before "auto" tries it
}

var (
	backendX264      = backend{kind: EncoderX264, codec: "libx264", format: media.CodecH264, swFmt: astiav.PixelFormatYuv420P, hwFmt: astiav.PixelFormatNone}
	backendX265      = backend{kind: EncoderX265, codec: "libx265", format: media.CodecHEVC, swFmt: astiav.PixelFormatYuv420P, hwFmt: astiav.PixelFormatNone}
	backendVAAPI     = backend{kind: EncoderVAAPI, codec: "h264_vaapi", format: media.CodecH264, swFmt: astiav.PixelFormatNv12, hwFmt: astiav.PixelFormatVaapi, device: astiav.HardwareDeviceTypeVAAPI, node: vaapiDevice}
	backendNVENC     = backend{kind: EncoderNVENC, codec: "h264_nvenc", format: media.CodecH264, swFmt: astiav.PixelFormatYuv420P, hwFmt: astiav.PixelFormatNone, node: "/dev/nvidia0"}
	backendHEVCVAAPI = backend{kind: EncoderVAAPI, codec: "hevc_vaapi", format: media.CodecHEVC, swFmt: astiav.PixelFormatNv12, hwFmt: astiav.PixelFormatVaapi, device: astiav.HardwareDeviceTypeVAAPI, node: vaapiDevice}
	backendHEVCNVENC = backend{kind: EncoderNVENC, codec: "hevc_nvenc", format: media.CodecHEVC, swFmt: astiav.PixelFormatYuv420P, hwFmt: astiav.PixelFormatNone, node: "/dev/nvidia0"}
)

// hardwareBackends is the order "auto" tries before falling back to the
// software encoder of the codec.
var hardwareBackends = []backend{backendVAAPI, backendNVENC, backendHEVCVAAPI, backendHEVCNVENC}

// softwareBackend is libx264 for H.264 and libx265 for HEVC.
func softwareBackend(format media.Codec) backend {
	if format == media.CodecHEVC {
		return backendX265
	}
	return backendX264
}

// SoftwareEncoder names the software encoder of codec as VideoConfig.Encoder
// says it: x264 for H.264, x265 for HEVC.
func SoftwareEncoder(codec media.Codec) string { return softwareBackend(codec).kind }

// backendFor returns the backend of config name kind for format.
func backendFor(kind string, format media.Codec) backend {
	for _, b := range hardwareBackends {
		if b.kind == kind && b.format == format {
			return b
		}
	}
	return softwareBackend(format)
}

// hwUploader moves software frames into the encoder's hardware surfaces
// (VAAPI only: NVENC takes software frames itself).
type hwUploader struct {
	frame *astiav.Frame
}

// attachHardware creates the device and the surface pool on cc before it
// is opened.
func attachHardware(cc *astiav.CodecContext, b backend, w, h int) (*hwUploader, error) {
	dev, err := astiav.CreateHardwareDeviceContext(b.device, vaapiDevice, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("creating the %s device on %s: %w", b.kind, vaapiDevice, err)
	}
	// The codec context takes its own reference (go-astiav ≥ v0.17): ours
	// goes now, and the device lives as long as the codec context.
	cc.SetHardwareDeviceContext(dev)
	dev.Free()
	if ret := C.onair_hw_frames(codecContextC(cc), C.int(b.hwFmt), C.int(b.swFmt), C.int(w), C.int(h)); ret < 0 {
		return nil, fmt.Errorf("creating the %s surface pool: %w", b.kind, libavError(int(ret)))
	}
	return &hwUploader{frame: astiav.AllocFrame()}, nil
}

// upload copies sw into a pooled surface and returns the frame to encode.
func (u *hwUploader) upload(cc *astiav.CodecContext, sw *astiav.Frame) (*astiav.Frame, error) {
	if ret := C.onair_hw_upload(codecContextC(cc), frameC(sw), frameC(u.frame)); ret < 0 {
		return nil, fmt.Errorf("encode: uploading a frame to the GPU: %w", libavError(int(ret)))
	}
	return u.frame, nil
}

func (u *hwUploader) free() {
	if u != nil && u.frame != nil {
		u.frame.Free()
		u.frame = nil
	}
}
