package main

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/seed7c1a73c4/onair/app/dest"
	"github.com/seed7c1a73c4/onair/app/forward"
	"github.com/seed7c1a73c4/onair/app/store"
	"github.com/seed7c1a73c4/onair/encode"

	"github.com/seed7c1a73c4/onair/app"
)

// forwardUsage is the help of `onair serve --forward`.
const forwardUsage = "forward an incoming stream as it is: SOURCE=URL, e.g. live/cam=rtmps://host/app/KEY, " +
	"or re-encoded to H.264: SOURCE:h264@4500k=URL (repeatable; rtmps trusts the system CAs and --ca-file)"

// forwardFlag collects the repeatable --forward SOURCE=URL. Set checks
// nothing: the flag package quotes a refused value, stream key and all, in
// its error. startForwards checks every spec with messages that never show
// the key.
type forwardFlag []string

// String returns "": a default value is never printed, and a set value
// holds a key.
func (f *forwardFlag) String() string { return "" }

// Set adds one SOURCE=URL.
func (f *forwardFlag) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// startForwards parses the --forward specs, registers their keys with
// secrets, and starts one app.Forward per source with all of that source's
// destinations, trusting caFile's roots too for rtmps. stop ends them all
// and waits. On an error nothing is left
// running and the error is one sentence without any key.
func startForwards(srv *app.LocalServer, specs []string, caFile string, secrets *store.Secrets, log *slog.Logger) (stop func(), err error) {
	type group struct {
		source    string
		transcode *encode.TranscodeConfig
		dests     []dest.Destination
		urls      []string
		seen      map[string]bool
	}
	var groups []*group
	bySource := map[string]*group{}
	for i, s := range specs {
		spec, err := forward.ParseSpec(s)
		if err != nil {
			return nil, fmt.Errorf("--forward #%d: %w", i+1, err)
		}
		forward.AddSecrets(secrets, spec.Target)
		// One forward per source and output: each decodes and encodes once
		// for all of its destinations.
		key := spec.Source
		if spec.Transcode != nil {
			key += fmt.Sprintf(":h264@%d", spec.Transcode.Bitrate)
		}
		g := bySource[key]
		if g == nil {
			g = &group{source: spec.Source, transcode: spec.Transcode, seen: map[string]bool{}}
			bySource[key] = g
			groups = append(groups, g)
		}
		t := spec.Target
		id := t.Scheme + "://" + t.Addr() + "/" + t.App + "/" + t.PublishName()
		if g.seen[id] {
			return nil, fmt.Errorf("--forward #%d: %s is already forwarded to %s", i+1, spec.Source, t.Redacted())
		}
		g.seen[id] = true
		g.dests = append(g.dests, spec.Destination)
		g.urls = append(g.urls, t.Redacted())
	}
	var fwds []*forward.Forward
	stopAll := func() {
		var wg sync.WaitGroup
		for _, f := range fwds {
			wg.Go(f.Stop)
		}
		wg.Wait()
	}
	for _, g := range groups {
		f, err := forward.Start(srv.RTMP, g.source, g.dests, forward.Options{CAFile: caFile, Transcode: g.transcode}, log)
		if err != nil {
			stopAll()
			return nil, err
		}
		fwds = append(fwds, f)
		how := "as it is"
		if g.transcode != nil {
			how = fmt.Sprintf("re-encoded to H.264 at %d kb/s", g.transcode.Bitrate/1000)
		}
		log.Info("forwarding", "source", g.source, "to", strings.Join(g.urls, ", "), "video", how)
	}
	var once sync.Once
	return func() { once.Do(stopAll) }, nil
}
