package encode

import (
	"errors"
	"image"
	"path/filepath"
	"testing"

	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
)

// hevcPackets is the HEVC test clip (solid red, 160x120, 10 frames).
func hevcPackets(t *testing.T) []media.Packet { return testpeer.HEVCPackets(t) }

// TestVideoDecoderHEVC: a tile decodes an HEVC camera (issue 15).
func TestVideoDecoderHEVC(t *testing.T) {
	pkts := hevcPackets(t)
	if len(pkts) != 11 || !pkts[1].Key || pkts[2].Key || !pkts[6].Key {
		t.Fatalf("test clip: %d packets, keys %v %v %v", len(pkts), pkts[1].Key, pkts[2].Key, pkts[6].Key)
	}
	d := NewVideoDecoder(80, 60, nil)
	defer d.Close()
	if n := decodeOK(t, d, pkts...); n == 0 {
		t.Fatal("no picture from 10 HEVC frames")
	}
	if w, h := d.Width(), d.Height(); w != 160 || h != 120 {
		t.Errorf("stream size %dx%d, want 160x120", w, h)
	}
	// The clip is BT.601 without saying so and the tile reads it as BT.709,
	// which moves green by about 23: the tolerance allows for that.
	checkColour(t, d, image.NewRGBA(image.Rect(0, 0, 80, 60)), red, 30)
	if _, err := d.Decode(media.Packet{Kind: media.KindVideo, Codec: media.CodecAV1, Header: true, Data: []byte{0x81, 0, 0, 0}}); !errors.Is(err, ErrUnsupportedInput) {
		t.Errorf("an AV1 sequence start: %v, want ErrUnsupportedInput", err)
	}
}

// TestRecorderHEVC: a recording of an HEVC camera is MP4 with an hvc1 track
// that plays; AV1, which this build cannot record, is refused with an error.
func TestRecorderHEVC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hevc.mp4")
	r, err := NewRecorder(RecorderConfig{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	recordAll(t, r, hevcPackets(t))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	probe := testpeer.FFprobe(t, path)
	v, ok := probe.Stream("video")
	if !ok || v.CodecName != "hevc" || v.CodecTag != "hvc1" || v.Width != 160 || v.Height != 120 {
		t.Errorf("recording's video %+v, want hevc (hvc1) 160x120", v)
	}
	if e := testpeer.DecodeErrors(t, path); e != "" {
		t.Errorf("decoding the recording reported errors:\n%s", e)
	}

	r, err = NewRecorder(RecorderConfig{Path: filepath.Join(t.TempDir(), "av1.mp4")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Write(media.Packet{Kind: media.KindVideo, Codec: media.CodecAV1, Header: true, Key: true, Data: []byte{0x81, 0, 0x0C, 0}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Write(media.Packet{Kind: media.KindVideo, Codec: media.CodecAV1, Key: true, Data: []byte{0x12, 0}}); !errors.Is(err, ErrUnsupportedInput) {
		t.Errorf("recording AV1: %v, want ErrUnsupportedInput", err)
	}
}
