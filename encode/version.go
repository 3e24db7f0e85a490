package encode

/*
#cgo pkg-config: libavutil
#include <libavutil/avutil.h>
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
