package encode

/*
#cgo pkg-config: libavutil libavcodec
#include <libavutil/avutil.h>
#include <libavcodec/version_major.h>

// The studio is built against the pinned FFmpeg 7.1 (libavcodec 61) that
// `make ffmpeg` builds; a system FFmpeg found by pkg-config instead would
// compile, link to other libraries and misread their structures.
#if LIBAVCODEC_VERSION_MAJOR != 61
#error "OnAir Studio builds against the pinned FFmpeg 7.1.5 only: run make ffmpeg, then eval \"$(make -s env)\" before go build or go test"
#endif
*/
import "C"

import "github.com/asticode/go-astiav"

// LibraryVersion names the FFmpeg linked into this binary ("FFmpeg 7.1.5")
// and says whether its x264 encoder is there.
func LibraryVersion() string {
	v := "FFmpeg " + C.GoString(C.av_version_info())
	if astiav.FindEncoderByName("libx264") != nil {
		v += " with x264"
	}
	return v
}
