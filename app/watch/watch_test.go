package watch

import (
	"errors"
	"image"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/capture"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// sink counts what a stream gives it, taking pictures at its own size.
type sink struct {
	pic *image.RGBA

	mu       sync.Mutex
	pictures int
	samples  int
	ended    int
}

func newSink(w, h int) *sink { return &sink{pic: image.NewRGBA(image.Rect(0, 0, w, h))} }

func (s *sink) Picture(p Picturer) {
	if p.Picture(s.pic) == nil {
		s.mu.Lock()
		s.pictures++
		s.mu.Unlock()
	}
}

func (s *sink) Sound(f capture.AudioFrame) {
	s.mu.Lock()
	s.samples += f.Samples
	s.mu.Unlock()
}

func (s *sink) Ended() {
	s.mu.Lock()
	s.ended++
	s.mu.Unlock()
}

func (s *sink) counts() (pictures, samples, ended int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pictures, s.samples, s.ended
}

// sample is flv/testdata/sample.flv's packets (H.264 320x240, AAC 48 kHz),
// sequence headers first.
func sample(t *testing.T) []media.Packet {
	t.Helper()
	f, err := os.Open(testpeer.SampleFLV(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pkts, err := flv.ReadPackets(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	var heads, rest []media.Packet
	for _, p := range pkts {
		if p.Header {
			heads = append(heads, p)
		} else {
			rest = append(rest, p)
		}
	}
	return append(heads, rest...)
}

// TestHubDecodesOnceForEverySink: two sinks of different sizes share one
// server reader and one decoder; each gets pictures at its size and the
// sound; the last to leave stops the decoder; the publisher leaving ends
// the stream for the sinks on it, and a sink joining after that gets a
// new decoder.
func TestHubDecodesOnceForEverySink(t *testing.T) {
	srv := server.New(server.DefaultConfig())
	defer srv.Close()
	h := NewHub(srv, testpeer.Logger(t))
	defer h.Close()

	tile, layer := newSink(320, 180), newSink(160, 120)
	leaveTile, err := h.Join("live/cam", tile) // before the camera: waits for it
	if err != nil {
		t.Fatal(err)
	}
	leaveLayer, err := h.Join("live/cam", layer)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Decoding(); got["live/cam"] != 2 || len(got) != 1 {
		t.Fatalf("decoding %v, want live/cam with 2 sinks", got)
	}
	if n := players(srv, "live/cam"); n != 1 {
		t.Fatalf("%d readers on the server, want 1 for both sinks", n)
	}
	pub, err := srv.PublishLocal("live/cam", "test")
	if err != nil {
		t.Fatal(err)
	}
	pkts := sample(t)
	stopPub := publishLive(pub, pkts)
	testpeer.WaitFor(t, 10*time.Second, "pictures and sound in both sinks", func() bool {
		tp, ts, _ := tile.counts()
		lp, ls, _ := layer.counts()
		return tp > 10 && lp > 10 && ts > 48000 && ls > 48000
	})
	if c := layer.pic.RGBAAt(80, 60); c.A != 255 {
		t.Errorf("the layer's picture is not drawn: %v", c)
	}

	leaveTile()
	leaveTile()
	if got := h.Decoding()["live/cam"]; got != 1 {
		t.Errorf("after the tile left: %d sinks, want 1", got)
	}
	stopPub()
	pub.Close()
	testpeer.WaitFor(t, 5*time.Second, "the end of the stream", func() bool { _, _, e := layer.counts(); return e == 1 })
	if _, _, e := tile.counts(); e != 0 {
		t.Errorf("a sink that left got Ended %d times", e)
	}
	testpeer.WaitFor(t, 5*time.Second, "the ended stream forgotten", func() bool { return len(h.Decoding()) == 0 })

	again := newSink(64, 48)
	leaveAgain, err := h.Join("live/cam", again)
	if err != nil {
		t.Fatal(err)
	}
	pub2, err := srv.PublishLocal("live/cam", "test")
	if err != nil {
		t.Fatal(err)
	}
	defer publishLive(pub2, pkts)()
	testpeer.WaitFor(t, 10*time.Second, "pictures on a new decoder", func() bool { p, _, _ := again.counts(); return p > 5 })
	leaveLayer() // on the ended stream: no effect on the new one
	if got := h.Decoding()["live/cam"]; got != 1 {
		t.Errorf("the old stream's sink leaving changed the new one: %d sinks", got)
	}
	leaveAgain()
	testpeer.WaitFor(t, 5*time.Second, "no reader left", func() bool { return players(srv, "live/cam") == 0 })
	if got := h.Decoding(); len(got) != 0 {
		t.Errorf("decoding %v after everyone left", got)
	}

	last := newSink(32, 32)
	if _, err := h.Join("live/cam", last); err != nil {
		t.Fatal(err)
	}
	h.Close()
	if _, _, e := last.counts(); e != 1 {
		t.Errorf("Close gave a sink %d Ended, want 1", e)
	}
	if _, err := h.Join("live/cam", newSink(8, 8)); !errors.Is(err, ErrClosed) {
		t.Errorf("Join after Close: %v, want ErrClosed", err)
	}
}

// publishLive writes pkts in a loop at their own pace, as a camera sends,
// for at most a minute; stop ends it and waits.
func publishLive(pub *server.LocalPublisher, pkts []media.Packet) (stop func()) {
	done, quit := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		start, end := time.Now(), time.Now().Add(time.Minute)
		span := pkts[len(pkts)-1].DTS + 40
		for loop := int64(0); time.Now().Before(end); loop++ {
			for _, p := range pkts {
				if p.Header && loop > 0 {
					continue
				}
				p.DTS += loop * span
				p.PTS += loop * span
				select {
				case <-quit:
					return
				case <-time.After(time.Until(start.Add(time.Duration(p.DTS) * time.Millisecond))):
				}
				pub.Write(p)
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(quit); <-done }) }
}

// players is how many readers the server counts on name.
func players(srv *server.Server, name string) int {
	for _, st := range srv.Stats().Streams {
		if st.Name == name {
			return st.Players
		}
	}
	return 0
}
