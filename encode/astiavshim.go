package encode

/*
#cgo pkg-config: libavcodec libavutil
#include <libavcodec/avcodec.h>
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// go-astiav exposes the C object of Frame and CodecContext (UnsafePointer)
// but not of Packet, and the hot path reads packets in place (packetView)
// instead of through the copying Packet.Data, and receives them without
// boxing EAGAIN into an allocated error (receivePacket). astiav.Packet keeps
// the AVPacket pointer as its only field; shimCheck proves it at run time
// before any encoder is built.

func codecContextC(cc *astiav.CodecContext) *C.AVCodecContext {
	return (*C.AVCodecContext)(cc.UnsafePointer())
}

func packetC(p *astiav.Packet) *C.AVPacket {
	return *(**C.AVPacket)(unsafe.Pointer(p))
}

func frameC(f *astiav.Frame) *C.AVFrame {
	return (*C.AVFrame)(f.UnsafePointer())
}

// shimCheck verifies once that packetC (and codecContextC) see the objects
// go-astiav manages, by writing through go-astiav and reading through C.
var shimCheck = sync.OnceValue(func() error {
	cc := astiav.AllocCodecContext(nil)
	if cc == nil {
		return fmt.Errorf("encode: allocating a codec context failed")
	}
	defer cc.Free()
	cc.SetWidth(1234)
	cc.SetHeight(5678)
	if c := codecContextC(cc); c.width != 1234 || c.height != 5678 {
		return fmt.Errorf("encode: go-astiav CodecContext.UnsafePointer does not give its AVCodecContext")
	}
	p := astiav.AllocPacket()
	if p == nil {
		return fmt.Errorf("encode: allocating a packet failed")
	}
	defer p.Free()
	p.SetPts(987654321)
	p.SetDts(-12345)
	if c := packetC(p); c.pts != 987654321 || c.dts != -12345 {
		return fmt.Errorf("encode: go-astiav Packet layout changed: update astiavshim.go")
	}
	return nil
})

// receivePacket is avcodec_receive_packet returning the raw libav code, so
// the usual EAGAIN costs no allocation.
func receivePacket(cc *astiav.CodecContext, p *astiav.Packet) int {
	return int(C.avcodec_receive_packet(codecContextC(cc), packetC(p)))
}

// packetView returns the payload of p in place (C memory). It is valid until
// p is unreferenced: copy it before that.
func packetView(p *astiav.Packet) []byte {
	c := packetC(p)
	if c.data == nil || c.size <= 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(c.data)), int(c.size))
}

// libavError turns a negative libav return code into a go-astiav error.
func libavError(ret int) error {
	if ret >= 0 {
		return nil
	}
	return astiav.Error(ret)
}
