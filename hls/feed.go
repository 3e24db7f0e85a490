package hls

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bluenviron/gohlslib/v2"
	"github.com/bluenviron/gohlslib/v2/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"

	"github.com/seed7c1a73c4/onair/livesrc"
)

// feeder turns packets into muxer writes. It lives on the Stream's read
// goroutine only.
type feeder struct {
	s            *Stream
	sps, pps     []byte
	asc          *mpeg4audio.AudioSpecificConfig
	mux          *gohlslib.Muxer
	video, audio *gohlslib.Track
	aclock       livesrc.AudioClock
	wall0        time.Time
	dts0         int64
	errors       int
	lastErrLog   time.Time
}

func (f *feeder) write(p livesrc.Packet) {
	switch {
	case p.Kind == livesrc.Video && p.Header:
		if len(p.SPS) > 0 && len(p.PPS) > 0 {
			f.sps, f.pps = p.SPS[0], p.PPS[0]
		}
		return
	case p.Kind == livesrc.Audio && p.Header:
		var c mpeg4audio.AudioSpecificConfig
		if err := c.Unmarshal(p.Data); err == nil {
			f.asc = &c
		}
		return
	case p.Kind == livesrc.Data:
		return
	}
	if f.mux == nil && !f.start(p.DTS) {
		return
	}
	ntp := f.wall0.Add(time.Duration(p.DTS-f.dts0) * time.Millisecond)
	var err error
	switch {
	case p.Kind == livesrc.Video && f.video != nil:
		var au h264.AVCC
		if err = au.Unmarshal(p.Data); err == nil {
			err = f.mux.WriteH264(f.video, ntp, p.PTS*90, f.withParams(au, p.Key))
		}
		f.s.refresh() // parts and segments turn on video
	case p.Kind == livesrc.Audio && f.audio != nil:
		err = f.mux.WriteMPEG4Audio(f.audio, ntp, f.aclock.Place(p.DTS), [][]byte{p.Data})
		if f.video == nil {
			f.s.refresh()
		}
	}
	if err != nil {
		f.fail(err)
	}
}

// withParams puts the parameter sets in front of an IDR that lacks them:
// the muxer reads the DTS order from the SPS it sees in the stream.
func (f *feeder) withParams(au [][]byte, key bool) [][]byte {
	if !key || f.sps == nil {
		return au
	}
	for _, n := range au {
		if len(n) > 0 && h264.NALUType(n[0]&0x1F) == h264.NALUTypeSPS {
			return au
		}
	}
	return append([][]byte{f.sps, f.pps}, au...)
}

// start creates the muxer from the headers seen so far.
func (f *feeder) start(dts int64) bool {
	var tracks []*gohlslib.Track
	if f.sps != nil {
		f.video = &gohlslib.Track{Codec: &codecs.H264{SPS: f.sps, PPS: f.pps}, ClockRate: 90000}
		tracks = append(tracks, f.video)
	}
	if f.asc != nil {
		f.audio = &gohlslib.Track{Codec: &codecs.MPEG4Audio{Config: *f.asc}, ClockRate: f.asc.SampleRate}
		f.aclock = livesrc.AudioClock{Rate: int64(f.asc.SampleRate)}
		tracks = append(tracks, f.audio)
	}
	if len(tracks) == 0 {
		return false
	}
	cfg := f.s.cfg
	m := &gohlslib.Muxer{Tracks: tracks, Variant: gohlslib.MuxerVariantLowLatency,
		SegmentCount: cfg.SegmentCount, SegmentMinDuration: cfg.SegmentMinDuration,
		PartMinDuration: cfg.PartDuration, SegmentMaxSize: cfg.MaxSegmentBytes, OnEncodeError: f.fail}
	if err := m.Start(); err != nil {
		cfg.Log.Warn("HLS: the muxer did not start", "err", err)
		f.video, f.audio = nil, nil
		return false
	}
	f.mux = m
	f.wall0, f.dts0 = time.Now(), dts
	s := f.s
	s.mu.Lock()
	s.mux = m
	s.mu.Unlock()
	s.wg.Add(1)
	go func() { // waits, inside gohlslib, for the first segment
		defer s.wg.Done()
		rec := newRecorder()
		m.Handle(rec, internalRequest("index.m3u8", ""))
		s.mu.Lock()
		s.content = rec.code == http.StatusOK
		s.mu.Unlock()
		s.refresh()
	}()
	return true
}

// fail counts a muxing error and logs at most one a second. gohlslib's
// note that the part duration changed, which it makes once while it finds
// a part duration that fits the frame durations (RTMP's millisecond
// stamps make them alternate), is only a debug line.
func (f *feeder) fail(err error) {
	if strings.Contains(err.Error(), "part duration changed") {
		f.s.cfg.Log.Debug("HLS: muxing", "err", err)
		return
	}
	f.errors++
	if now := time.Now(); now.Sub(f.lastErrLog) >= time.Second {
		f.s.cfg.Log.Warn("HLS: muxing", "err", err, "errors", f.errors)
		f.lastErrLog = now
	}
}

// internalRequest is a GET of the muxer's file with query q.
func internalRequest(file, q string) *http.Request {
	return &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/" + file, RawQuery: q},
		Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}
