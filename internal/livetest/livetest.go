// Package livetest feeds the HTTP delivery packages (hls, dash, web) in
// tests with real media: an FLV that ffmpeg encoded, read into packets,
// and a Source whose streams the test drives packet by packet.
package livetest

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/internal/testpeer"
	"github.com/seed7c1a73c4/onair/livesrc"
	"github.com/seed7c1a73c4/onair/media"
)

// ClipPackets encodes a camera-like clip with ffmpeg (H.264 High with
// B-frames, a keyframe every 2 s, AAC 48 kHz) and returns its packets.
func ClipPackets(t testing.TB, seconds int) []livesrc.Packet {
	t.Helper()
	return FileClipPackets(t, testpeer.EncodeClip(t, testpeer.Clip{Size: "320x180", Seconds: seconds, VideoBitrate: "300k"}))
}

// FileClipPackets returns the packets of an FLV file.
func FileClipPackets(t testing.TB, path string) []livesrc.Packet {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := flv.NewReader(f, 0)
	var out []livesrc.Packet
	for {
		tag, err := r.ReadTag()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		p, err := tag.Packet()
		if err != nil || p.Kind == media.KindData {
			continue
		}
		lp := livesrc.Packet{Kind: livesrc.Audio, Header: p.Header, Key: p.Key, DTS: p.DTS, PTS: p.PTS, Data: p.Data}
		if p.Kind == media.KindVideo {
			lp.Kind = livesrc.Video
			if p.Header {
				cfg, err := h264.ParseConfig(p.Data)
				if err != nil {
					t.Fatal(err)
				}
				lp.SPS, lp.PPS = cfg.SPS, cfg.PPS
			}
		}
		out = append(out, lp)
	}
}

// Feed is a livesrc.Reader that the test fills: Push hands packets to the
// muxer under test, End ends the stream.
type Feed struct {
	ch     chan livesrc.Packet
	once   sync.Once
	closed chan struct{}

	mu           sync.Mutex
	pushed, read int
	inRead       bool
}

// NewFeed returns an empty feed.
func NewFeed() *Feed {
	return &Feed{ch: make(chan livesrc.Packet, 4096), closed: make(chan struct{})}
}

// Push queues packets (it blocks only past 4096 queued).
func (f *Feed) Push(ps ...livesrc.Packet) {
	for _, p := range ps {
		f.mu.Lock()
		f.pushed++
		f.mu.Unlock()
		f.ch <- p
	}
}

// WaitIdle waits (up to 20 s) until the muxer read every pushed packet,
// handled it, and waits for the next; it reports false on time-out.
func (f *Feed) WaitIdle() bool {
	for i := 0; i < 4000; i++ {
		f.mu.Lock()
		idle := f.inRead && f.read == f.pushed
		f.mu.Unlock()
		if idle {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// End ends the stream after the queued packets.
func (f *Feed) End() { close(f.ch) }

// Read implements livesrc.Reader.
func (f *Feed) Read(ctx context.Context) (livesrc.Packet, error) {
	f.mu.Lock()
	f.inRead = true
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inRead = false
		f.mu.Unlock()
	}()
	select {
	case p, ok := <-f.ch:
		if ok {
			f.mu.Lock()
			f.read++
			f.mu.Unlock()
		}
		if !ok {
			return livesrc.Packet{}, livesrc.ErrEnded
		}
		return p, nil
	case <-ctx.Done():
		return livesrc.Packet{}, ctx.Err()
	case <-f.closed:
		return livesrc.Packet{}, livesrc.ErrEnded
	}
}

// Close implements livesrc.Reader.
func (f *Feed) Close() { f.once.Do(func() { close(f.closed) }) }

// WaitClosed waits (up to 20 s) until the muxer closed its reader, as it
// does once it has handled the end; it reports false on time-out.
func (f *Feed) WaitClosed() bool {
	select {
	case <-f.closed:
		return true
	case <-time.After(20 * time.Second):
		return false
	}
}

// UntilKeyframe returns the packets before the n-th video keyframe (n from
// 1) and the rest.
func UntilKeyframe(ps []livesrc.Packet, n int) (before, rest []livesrc.Packet) {
	seen := 0
	for i, p := range ps {
		if p.Kind == livesrc.Video && p.Key && !p.Header {
			seen++
			if seen == n {
				return ps[:i], ps[i:]
			}
		}
	}
	return ps, nil
}

// Source is a livesrc.Source of clips: each subscriber of a stream gets a
// Feed holding the stream's packets, left open (the stream stays live).
type Source struct {
	mu      sync.Mutex
	streams map[string][]livesrc.Packet
}

// NewSource returns a Source without streams.
func NewSource() *Source { return &Source{streams: map[string][]livesrc.Packet{}} }

// Add makes name live with packets ps (at most 4096).
func (s *Source) Add(name string, ps []livesrc.Packet) {
	s.mu.Lock()
	s.streams[name] = ps
	s.mu.Unlock()
}

// Live implements livesrc.Source.
func (s *Source) Live(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.streams[name]
	return ok
}

// Subscribe implements livesrc.Source.
func (s *Source) Subscribe(name string) (livesrc.Reader, error) {
	s.mu.Lock()
	ps, ok := s.streams[name]
	s.mu.Unlock()
	if !ok {
		return nil, livesrc.ErrNotLive
	}
	f := NewFeed()
	f.Push(ps...)
	return f, nil
}
