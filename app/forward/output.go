package forward

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/encode"
	"github.com/seed7c1a73c4/onair/flv"
	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/amf0"
)

// Bounds of what waits for one output's encoder: beyond maxQueuedPictures
// its new pictures are skipped (the encoder is slower than the source),
// beyond outputQueue anything is. The source goroutine never waits for an
// encoder.
const (
	maxQueuedPictures = 8
	outputQueue       = 1024
)

// output is one stream of a forward: its destinations, its hub and, while
// a session re-encodes it, its encoder goroutine.
type output struct {
	f     *Forward
	dests []dest.Destination
	cfg   *encode.TranscodeConfig // Output.Transcode
	takes []media.Codec           // Output.Takes
	auto  *encode.TranscodeConfig // Output.AutoTranscode, or Options.AutoTranscode
	hub   *media.PacketHub
	log   *slog.Logger

	// Owned by whoever feeds the hub: the source goroutine, or, while a
	// session re-encodes this output, its encoder goroutine (from activate
	// to endSession).
	meta    *media.Metadata
	vHeader *media.Packet
	aHeader bool
	moved   int                     // media packets of this session passed on
	active  *encode.TranscodeConfig // this session's re-encode, nil for none

	// Owned by the source goroutine: the encoder goroutine's input.
	items   chan item
	encDone chan struct{}
	pics    atomic.Int32 // pictures in items

	packets, bytes atomic.Uint64
	skipped        atomic.Uint64 // pictures (or packets) the encoder was too slow for

	mu          sync.Mutex
	runners     []*dest.Runner
	transcoding bool   // the current (or last) session re-encodes
	rate        string // the re-encode's bitrate, "4.5 Mb/s"
	enc         *encode.Reencoder
	encCPU      cpuRate
}

// item is what an output's encoder goroutine takes: a packet to pass on,
// a picture to encode, or the session's end.
type item struct {
	pkt media.Packet
	pic *sharedPicture // a picture to encode at pts (pkt unused)
	pts int64
	end bool // the source left: flush the encoder
}

func newOutput(f *Forward, o Output) *output {
	auto := o.AutoTranscode
	if auto == nil {
		auto = f.opts.AutoTranscode
	}
	return &output{f: f, dests: append([]dest.Destination(nil), o.Dests...), cfg: o.Transcode,
		takes: slices.Clone(o.Takes), auto: auto, hub: media.NewPacketHub(media.HubOptions{GOPCache: true}), log: f.log}
}

// activate (source goroutine), at a session's first video packet, starts
// the output's encoder when it re-encodes video of codec c, handing on the
// session's metadata (lastMeta, if any) rewritten for the new video. It
// reports whether it did.
func (o *output) activate(ctx context.Context, c media.Codec, lastMeta *media.Packet) bool {
	o.active = nil
	cfg := o.cfg
	if cfg == nil && c != media.CodecH264 && !slices.Contains(o.takes, c) {
		cfg = o.auto
	}
	o.mu.Lock()
	o.transcoding = false
	o.mu.Unlock()
	if cfg == nil {
		return false
	}
	enc, err := encode.NewReencoder(*cfg, o.log)
	if err != nil {
		o.log.Warn("transcode not possible; forwarding as is", "err", err)
		return false
	}
	o.active = cfg
	o.mu.Lock()
	o.transcoding, o.rate, o.enc = true, formatRate(cfg.Bitrate), enc
	o.encCPU.reset()
	o.mu.Unlock()
	if lastMeta != nil {
		o.pass(o.transcodedMetadata(*lastMeta))
	}
	o.items, o.encDone = make(chan item, outputQueue), make(chan struct{})
	go o.encodeLoop(ctx, enc)
	return true
}

// source (source goroutine) takes one packet of the source: on to the hub,
// or, while the output re-encodes, to its encoder goroutine (video is not:
// its pictures come through picture).
func (o *output) source(p media.Packet) {
	switch {
	case o.items == nil:
		o.pass(p)
	case p.Kind == media.KindVideo:
	case p.Kind == media.KindData:
		o.send(item{pkt: o.transcodedMetadata(p)})
	default:
		o.send(item{pkt: p})
	}
}

// picture (source goroutine) hands a decoded picture, which the output
// only reads, to its encoder, which releases it; it reports false when it
// skipped the picture instead (the encoder is behind).
func (o *output) picture(p *sharedPicture, pts int64) bool {
	if o.pics.Load() >= maxQueuedPictures {
		o.skip()
		return false
	}
	o.pics.Add(1)
	if !o.send(item{pic: p, pts: pts}) {
		o.pics.Add(-1)
		return false
	}
	return true
}

// skip counts one picture or packet the encoder was too slow for, and
// says so in the log at the first and every 100th.
func (o *output) skip() {
	if n := o.skipped.Add(1); n == 1 || n%100 == 0 {
		o.log.Warn("transcode: the encoder is slower than the source; skipping pictures", "rate", o.rate, "skipped", n)
	}
}

// send queues it for the encoder goroutine without waiting.
func (o *output) send(it item) bool {
	select {
	case o.items <- it:
		return true
	default:
		o.skip()
		return false
	}
}

// endSession (source goroutine) ends the session's encoder: after it
// flushed what it holds when flush is set (the source left), at once when
// ctx ended. The hub is the source goroutine's again afterwards.
func (o *output) endSession(ctx context.Context, flush bool) {
	if o.items == nil {
		return
	}
	if flush {
		select {
		case o.items <- item{end: true}:
		case <-ctx.Done():
		case <-o.encDone:
		}
	}
	<-o.encDone
	o.items, o.encDone = nil, nil
	o.pics.Store(0)
	o.mu.Lock()
	o.enc.Close()
	o.enc = nil
	o.mu.Unlock()
}

// encodeLoop (the output's encoder goroutine) encodes the pictures and
// passes the packets on, in the order the source sent them, until the
// session's end (flushing) or ctx's (not).
func (o *output) encodeLoop(ctx context.Context, enc *encode.Reencoder) {
	defer close(o.encDone)
	failures := 0
	for {
		var it item
		select {
		case <-ctx.Done():
			return
		case it = <-o.items:
		}
		switch {
		case it.end:
			// The source left: what the encoder still holds (its
			// lookahead, about half a second) goes out too.
			if err := enc.Flush(o.pass); err != nil {
				o.log.Warn("transcode: flushing at the end of the session", "err", err)
			}
			return
		case it.pic != nil:
			o.pics.Add(-1)
			err := enc.Picture(&it.pic.img, it.pts, o.pass)
			it.pic.release()
			if err != nil {
				if failures++; failures == 1 || failures%100 == 0 {
					o.log.Warn("transcode", "err", err, "failures", failures)
				}
			}
		default:
			o.pass(it.pkt)
		}
	}
}

// pass writes one packet to the hub, noting headers and metadata; the
// output's first media packet starts its destinations.
func (o *output) pass(p media.Packet) {
	switch {
	case p.Kind == media.KindData:
		if m, err := flv.ParseMetadata(p.Data, amf0.Limits{}); err == nil {
			o.meta = &m
		}
	case p.Header && p.Kind == media.KindVideo:
		cp := p
		o.vHeader = &cp
	case p.Header && p.Kind == media.KindAudio:
		o.aHeader = true
	}
	o.hub.Write(p)
	o.packets.Add(1)
	o.bytes.Add(uint64(len(p.Data)))
	if p.Header || p.Kind == media.KindData {
		return
	}
	if o.moved++; o.moved == 1 {
		o.startRunners()
	}
}

// startRunners connects the destinations, once, when the output first
// carries media: by then its metadata and sequence headers are known, and
// the hub's GOP cache hands each destination the current GOP from its
// keyframe.
func (o *output) startRunners() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.runners) > 0 {
		return
	}
	meta := media.Metadata{HasVideo: o.vHeader != nil, HasAudio: o.aHeader}
	if o.meta != nil {
		meta = *o.meta
	}
	popts := dest.PublishOptions(o.f.opts.CAFile, o.f.opts.Timeout, o.log)
	for _, d := range o.dests {
		r, err := dest.Start(d, o.hub, meta, o.f.opts.Queue, popts, o.log)
		if err != nil { // checked in StartOutputs: should not happen
			o.log.Error("destination not started", "destination", d.Name, "err", dest.ScrubKey(err, d.Key))
			continue
		}
		o.runners = append(o.runners, r)
	}
}

// names lists the output's destinations by name, for the window.
func (o *output) names() string {
	names := make([]string, len(o.dests))
	for i, d := range o.dests {
		names[i] = d.Name
	}
	return strings.Join(names, ", ")
}

// runnersNow returns the destinations' runners started so far.
func (o *output) runnersNow() []*dest.Runner {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.runners
}

// forgetGOP (source goroutine) empties the hub's GOP cache once the source
// has left, by handing on its video sequence header again (a repeated
// header changes nothing for a decoder). A destination that reconnects
// while the source is away then waits for the next session's keyframe
// instead of replaying the last GOP.
func (o *output) forgetGOP() {
	if o.vHeader == nil {
		return
	}
	h := *o.vHeader
	o.f.clock.place(&h)
	o.hub.Write(h)
}
