package livesrc

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/seed7c1a73c4/onair/codec/h264"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/server"
)

// FromRTMP is the local RTMP server as a Source. Each reader is an
// in-process player of the server's hub with its own queue bounded by lim.
func FromRTMP(s *server.Server, lim media.QueueLimits) Source { return rtmpSource{s: s, lim: lim} }

type rtmpSource struct {
	s   *server.Server
	lim media.QueueLimits
}

func (r rtmpSource) Live(name string) bool {
	for _, st := range r.s.Stats().Streams {
		if st.Name == name {
			return st.Live
		}
	}
	return false
}

func (r rtmpSource) Subscribe(name string) (Reader, error) {
	if !r.Live(name) {
		return nil, fmt.Errorf("%w: %s", ErrNotLive, name)
	}
	q, stop, err := r.s.Watch(name, r.lim)
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", name, err)
	}
	return &rtmpReader{q: q, stop: stop}, nil
}

type rtmpReader struct {
	q    media.Reader
	stop func()
	once sync.Once
}

// Read returns the stream's next packet. Video other than H.264 (HEVC, AV1
// or VP9 from an Enhanced RTMP publisher) is left out: the HLS and DASH
// packagers take H.264, so such a stream plays there as audio only.
func (r *rtmpReader) Read(ctx context.Context) (Packet, error) {
	p, err := r.q.Pop(ctx)
	for err == nil && p.Kind == media.KindVideo && p.Codec != media.CodecH264 {
		p, err = r.q.Pop(ctx)
	}
	if errors.Is(err, media.ErrQueueClosed) {
		return Packet{}, ErrEnded
	}
	if err != nil {
		return Packet{}, err
	}
	var k Kind
	switch p.Kind {
	case media.KindVideo:
		k = Video
	case media.KindAudio:
		k = Audio
	default:
		k = Data
	}
	out := Packet{Kind: k, Header: p.Header, Key: p.Key, DTS: p.DTS, PTS: p.PTS, Data: p.Data}
	if k == Video && p.Header {
		// The server checked it on ingest; a failure leaves SPS empty.
		if cfg, err := h264.ParseConfig(p.Data); err == nil {
			out.SPS, out.PPS = cfg.SPS, cfg.PPS
		}
	}
	return out, nil
}

func (r *rtmpReader) Close() { r.once.Do(r.stop) }
