package encode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/seed7c1a73c4/onair/media"
)

func TestMain(m *testing.M) {
	testLibavLog()
	os.Exit(m.Run())
}

// testLibavLog is the tests' libav log: x264 prints its statistics at Info;
// keep test output to real problems, and count libav errors so decoding
// tests can require none.
func testLibavLog() {
	astiav.SetLogLevel(astiav.LogLevelWarning)
	astiav.SetLogCallback(func(c astiav.Classer, l astiav.LogLevel, _, msg string) {
		name := ""
		if c != nil && c.Class() != nil {
			name = c.Class().ItemName()
		}
		if l <= astiav.LogLevelError {
			libavErrors.Add(1)
		}
		fmt.Fprintf(os.Stderr, "libav [%s] level %d: %s", name, l, msg)
	})
}

// libavErrors counts messages libav logged at Error or worse.
var libavErrors atomic.Int64

// logBuffer is a slog destination tests can read back.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) count(s string) int { return strings.Count(b.String(), s) }

func newTestLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// collector gathers emitted packets.
type collector struct{ pkts []media.Packet }

func (c *collector) emit(p media.Packet) { c.pkts = append(c.pkts, p) }

// avcRecord is a parsed AVCDecoderConfigurationRecord.
type avcRecord struct {
	version, profile, compat, level byte
	lengthSize                      int
	sps, pps                        [][]byte
	ext                             []byte // high-profile tail
}

func parseAVCRecord(b []byte) (avcRecord, error) {
	short := errors.New("record truncated")
	if len(b) < 7 {
		return avcRecord{}, short
	}
	r := avcRecord{version: b[0], profile: b[1], compat: b[2], level: b[3], lengthSize: int(b[4]&3) + 1}
	rest := b[5:]
	for k, list := range []*[][]byte{&r.sps, &r.pps} {
		if len(rest) < 1 {
			return r, short
		}
		n := int(rest[0])
		if k == 0 {
			n &= 0x1f
		}
		rest = rest[1:]
		for range n {
			if len(rest) < 2 || len(rest) < 2+int(binary.BigEndian.Uint16(rest)) {
				return r, short
			}
			l := int(binary.BigEndian.Uint16(rest))
			*list = append(*list, rest[2:2+l])
			rest = rest[2+l:]
		}
	}
	r.ext = rest
	return r, nil
}

// nalHeaders lists the first header byte of each NAL unit of a
// 4-byte-length-prefixed access unit (H.264 or HEVC), failing the test if
// the lengths do not tile the buffer exactly.
func nalHeaders(t testing.TB, b []byte) []byte {
	t.Helper()
	var heads []byte
	for len(b) > 0 {
		if len(b) < 4 {
			t.Fatalf("access unit has %d stray bytes", len(b))
		}
		n := int(binary.BigEndian.Uint32(b))
		if n == 0 || n > len(b)-4 {
			t.Fatalf("NAL length %d with %d bytes left", n, len(b)-4)
		}
		heads = append(heads, b[4])
		b = b[4+n:]
	}
	return heads
}

// avccNALTypes lists the NAL unit types of an H.264 access unit.
func avccNALTypes(t testing.TB, b []byte) []byte {
	t.Helper()
	types := nalHeaders(t, b)
	for i := range types {
		types[i] &= 0x1f
	}
	return types
}

// decoded summarises what an FFmpeg decoder made of a stream.
type decoded struct {
	frames        int
	width, height int
	colorRange    astiav.ColorRange
	sampleRate    int
	channels      int
}

// decodeH264 decodes AVCC packets with FFmpeg's H.264 decoder configured
// from the sequence header, failing the test on any decoder error.
func decodeH264(t testing.TB, header []byte, pkts []media.Packet) decoded {
	t.Helper()
	return decodeWith(t, astiav.CodecIDH264, header, pkts)
}

func decodeWith(t testing.TB, id astiav.CodecID, header []byte, pkts []media.Packet) decoded {
	t.Helper()
	codec := astiav.FindDecoder(id)
	if codec == nil {
		t.Fatalf("no %s decoder", id)
	}
	cc := astiav.AllocCodecContext(codec)
	defer cc.Free()
	if err := cc.SetExtraData(header); err != nil {
		t.Fatal(err)
	}
	if err := cc.Open(codec, nil); err != nil {
		t.Fatalf("opening the %s decoder: %v", id, err)
	}
	pkt, frame := astiav.AllocPacket(), astiav.AllocFrame()
	defer pkt.Free()
	defer frame.Free()
	var d decoded
	errsBefore := libavErrors.Load()
	defer func() {
		if n := libavErrors.Load() - errsBefore; n > 0 {
			t.Errorf("the %s decoder logged %d errors", id, n)
		}
	}()
	receive := func() {
		for {
			if err := cc.ReceiveFrame(frame); err != nil {
				if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
					return
				}
				t.Fatalf("decoding: %v", err)
			}
			d.frames++
			d.width, d.height, d.colorRange = frame.Width(), frame.Height(), frame.ColorRange()
			d.sampleRate, d.channels = frame.SampleRate(), frame.ChannelLayout().Channels()
			frame.Unref()
		}
	}
	for i, p := range pkts {
		if err := pkt.FromData(p.Data); err != nil {
			t.Fatal(err)
		}
		pkt.SetPts(p.PTS)
		pkt.SetDts(p.DTS)
		if err := cc.SendPacket(pkt); err != nil {
			t.Fatalf("decoder rejected packet %d (dts %d): %v", i, p.DTS, err)
		}
		pkt.Unref()
		receive()
	}
	if err := cc.SendPacket(nil); err != nil {
		t.Fatalf("flushing the decoder: %v", err)
	}
	receive()
	return d
}
