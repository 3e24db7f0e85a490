package program

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/codec/hevc"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
)

func TestOutputCodecValidation(t *testing.T) {
	o := DefaultOutput()
	if o.VideoCodec() != media.CodecH264 {
		t.Fatalf("the default output is %s, want H.264", o.VideoCodec())
	}
	o.Codec = "" // settings saved before the codec was a choice
	if err := o.Validate(); err != nil || o.VideoCodec() != media.CodecH264 {
		t.Fatalf("an empty codec: %v, %s; want H.264 and no error", err, o.VideoCodec())
	}
	for _, tc := range []struct{ codec, encoder, want string }{
		{CodecHEVC, "x265", ""},
		{CodecHEVC, "auto", ""},
		{CodecHEVC, "nvenc", ""},
		{CodecHEVC, "x264", "the x264 encoder does not make HEVC: choose x265 or auto"},
		{CodecH264, "x265", "the x265 encoder does not make H.264: choose x264 or auto"},
		{"av1", "auto", `unknown video codec "av1": use h264 or hevc`},
	} {
		o.Codec, o.Encoder = tc.codec, tc.encoder
		err := o.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s with %s: %v, want %q", tc.codec, tc.encoder, err, tc.want)
		}
	}
}

// nextPacket waits up to d for the next packet on q, headers included.
func nextPacket(t *testing.T, q *media.PacketQueue, d time.Duration) (media.Packet, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	p, err := q.Pop(ctx)
	return p, err == nil
}

// A program set to HEVC puts x265's HEVC on its hub, with onMetaData
// saying so, and its keyframes are where a player can start.
func TestProgramEncodesHEVC(t *testing.T) {
	out := studioOutput()
	out.Width, out.Height, out.Codec, out.Encoder = 320, 180, CodecHEVC, "auto"
	p, err := Open(Config{Video: "test", Audio: "test", Output: out}, capture.NewClock(), testpeer.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	q := p.Hub().Subscribe(media.QueueLimits{})
	defer p.Hub().Unsubscribe(q)
	if m := p.Metadata(); m.VideoCodec != media.CodecHEVC {
		t.Errorf("onMetaData says %s, want HEVC", m.VideoCodec)
	}
	var header, key bool
	deadline := time.Now().Add(20 * time.Second)
	for n := 0; n < 30 && time.Now().Before(deadline); {
		pk, ok := nextPacket(t, q, 10*time.Second)
		if !ok {
			t.Fatal("the HEVC program sent nothing for 10 s")
		}
		if pk.Kind != media.KindVideo {
			continue
		}
		if pk.Codec != media.CodecHEVC {
			t.Fatalf("a %s video packet from an HEVC program", pk.Codec)
		}
		if pk.Header {
			c, err := hevc.ParseConfig(pk.Data)
			if err != nil || c.Width != 320 || c.Height != 180 {
				t.Fatalf("HEVC sequence header %+v, %v; want 320x180", c, err)
			}
			header = true
			continue
		}
		if !header {
			t.Fatal("HEVC video before its sequence header")
		}
		if n == 0 && (!pk.Key || !hevc.IsRandomAccess(pk.Data)) {
			t.Fatalf("the first HEVC frame is not a random-access point (Key %v)", pk.Key)
		}
		key = key || pk.Key
		n++
	}
	if !header || !key {
		t.Fatalf("header %v, keyframe %v after 30 frames", header, key)
	}
}
