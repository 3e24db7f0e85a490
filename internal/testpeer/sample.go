package testpeer

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/Eyevinn/mp4ff/avc"
	mp4hevc "github.com/Eyevinn/mp4ff/hevc"

	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/media"
)

// SampleFLV returns the path of flv/testdata/sample.flv, a 2 s H.264
// High 320x240 30 fps and AAC-LC 48 kHz stereo clip that the protocol
// tests publish.
func SampleFLV(t testing.TB) string {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate internal/testpeer")
	}
	return filepath.Join(filepath.Dir(here), "..", "..", "flv", "testdata", "sample.flv")
}

// HEVCPackets returns encode/testdata/red-160x120.hevc (libx265, solid red,
// 10 frames at 10 fps, a keyframe every 5, an access unit delimiter before
// each access unit) as an Enhanced RTMP publisher sends it: an HEVC
// sequence header (HEVCDecoderConfigurationRecord) and 4-byte-length
// access units 100 ms apart from DTS 0.
func HEVCPackets(t testing.TB) []media.Packet {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "encode", "testdata", "red-160x120.hevc"))
	if err != nil {
		t.Fatal(err)
	}
	var vps, sps, pps [][]byte
	var pkts []media.Packet
	var au []byte
	flush := func() {
		if len(au) > 0 {
			dts := int64(len(pkts)) * 100
			pkts = append(pkts, media.Packet{Kind: media.KindVideo, Codec: media.CodecHEVC, Key: hevc.IsRandomAccess(au), DTS: dts, PTS: dts, Data: au})
		}
		au = nil
	}
	for _, n := range avc.ExtractNalusFromByteStream(b) { // start codes are codec-neutral
		switch n[0] >> 1 & 0x3F {
		case 35: // access unit delimiter
			flush()
			continue
		case 32:
			vps = append(vps, n)
		case 33:
			sps = append(sps, n)
		case 34:
			pps = append(pps, n)
		}
		au = binary.BigEndian.AppendUint32(au, uint32(len(n)))
		au = append(au, n...)
	}
	flush()
	rec, err := mp4hevc.CreateHEVCDecConfRec(vps[:1], sps[:1], pps[:1], true, true, true, true)
	if err != nil {
		t.Fatal(err)
	}
	var hdr bytes.Buffer
	if err := rec.Encode(&hdr); err != nil {
		t.Fatal(err)
	}
	return append([]media.Packet{{Kind: media.KindVideo, Codec: media.CodecHEVC, Header: true, Key: true, Data: hdr.Bytes()}}, pkts...)
}
